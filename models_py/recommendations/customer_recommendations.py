"""Each customer's top-N products not yet bought: the recommender the folds chose."""

import pandas as pd

from shopper_spectrum.frames import filtered, selected, to_pandas
from shopper_spectrum.recommend import CandidateGrid, ScoringSettings, chosen_candidate, jobs


def model(dbt, session):
    config = dbt.config.get("recommender")
    grid, settings = CandidateGrid.from_config(config), ScoringSettings.from_config(config)
    candidate = chosen_candidate(to_pandas(dbt.ref("recommendation_evaluation")), grid)
    history = selected(
        dbt.ref("int_customer_product_history"),
        ["customer_id", "product_key", "last_purchased_at"],
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
    return jobs.customer_recommendations(
        history,
        weights=weights,
        popularity=popularity,
        codes=codes,
        as_of=as_of,
        candidate=candidate,
        settings=settings,
    )
