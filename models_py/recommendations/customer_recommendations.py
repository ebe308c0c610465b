"""Each customer's top-N products not yet bought, from time-decayed history through item similarity."""

import pandas as pd

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import RecommenderSettings, recommend


# dbt exposes only the config keys a model spells out in dbt.config.get() calls.
def recommender_config(dbt):
    return {
        "similarity_measure": dbt.config.get("similarity_measure"),
        "min_cooccurrence": dbt.config.get("min_cooccurrence"),
        "recommendation_neighbours": dbt.config.get("recommendation_neighbours"),
        "recommendation_half_life_days": dbt.config.get("recommendation_half_life_days"),
        "similarity_power": dbt.config.get("similarity_power"),
        "recommendation_top_n": dbt.config.get("recommendation_top_n"),
    }


def model(dbt, session):
    settings = RecommenderSettings.from_config(recommender_config(dbt))
    history = to_pandas(dbt.ref("int_customer_product_history"))
    as_of_dates = to_pandas(dbt.ref("int_as_of_date"))
    as_of = pd.Timestamp(as_of_dates["as_of_date"].iloc[0])
    neighbours = to_pandas(
        filtered(dbt.ref("int_item_neighbours"), f"rank <= {settings.neighbours}")
    )
    return recommend(history, neighbours, as_of, settings)
