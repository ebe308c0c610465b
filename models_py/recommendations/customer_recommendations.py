"""Each customer's top-N products not yet bought: the recommender the folds chose."""

import pandas as pd

from shopper_spectrum.frames import filtered, selected, to_pandas
from shopper_spectrum.recommend import (
    CandidateGrid,
    Purchases,
    ScoringSettings,
    chosen_candidate,
    recommend,
    score_items,
)
from shopper_spectrum.recommend.evaluation import NO_ITEM_MODEL, POPULARITY_COLUMNS


def model(dbt, session):
    config = dbt.config.get("recommender")
    grid, settings = CandidateGrid.from_config(config), ScoringSettings.from_config(config)
    candidate = chosen_candidate(to_pandas(dbt.ref("recommendation_evaluation")), grid)
    history = to_pandas(
        selected(
            dbt.ref("int_customer_product_history"),
            ["customer_id", "product_key", "last_purchased_at"],
        )
    )
    weights = to_pandas(
        selected(
            filtered(dbt.ref("item_model"), "weight > 0"),
            ["product_key", "neighbour_key", "weight"],
        )
    )
    # dbt finds refs only as call arguments, so each ref is read on its own line.
    as_of_dates = to_pandas(dbt.ref("int_as_of_date"))
    as_of = pd.Timestamp(as_of_dates["as_of_date"].iloc[0])
    codes = to_pandas(dbt.ref("int_product_keys")).set_index("product_key")["product_code"]
    popularity = to_pandas(filtered(dbt.ref("int_product_popularity"), "fold = 0"))
    purchases = Purchases.from_history(
        history, as_of, settings.half_life_days, products=popularity["product_key"]
    )
    scores = score_items(
        purchases,
        weights if candidate.uses_item_model else NO_ITEM_MODEL,
        settings.weights_per_product,
    )
    picks = recommend(
        scores,
        popularity.set_index("product_key")[POPULARITY_COLUMNS[candidate.fill_window]],
        candidate.popularity_share,
        settings.top_n,
    )
    return pd.DataFrame(
        {
            "customer_id": picks["customer_id"],
            "rank": picks["rank"],
            "product_code": codes.reindex(picks["product_key"]).to_numpy(),
            "score": picks["score"],
            "reason": picks["reason"],
            "because_you_bought": codes.reindex(picks["because_you_bought"]).to_numpy(),
        }
    )
