"""Each customer's top-N products not yet bought: decayed purchase history through the item model."""

import pandas as pd

from shopper_spectrum.frames import filtered, selected, to_pandas
from shopper_spectrum.recommend import RecommenderSettings, recommend


def model(dbt, session):
    settings = RecommenderSettings.from_config(dbt.config.get("recommender"))
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
    own_counts = to_pandas(
        filtered(dbt.ref("int_product_pairs"), "fold = 0 and product_key_a = product_key_b")
    )
    best_sellers = own_counts.set_index("product_key_a")["baskets"]
    picks = recommend(history, weights, as_of, settings, best_sellers=best_sellers)
    return pd.DataFrame(
        {
            "customer_id": picks["customer_id"],
            "rank": picks["rank"],
            "product_code": codes.reindex(picks["product_key"]).to_numpy(),
            "score": picks["score"],
            "because_you_bought": codes.reindex(picks["because_you_bought"]).to_numpy(),
        }
    )
