"""Each customer's top-N products not yet bought, from time-decayed history through item similarity."""

import pandas as pd

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import RecommenderSettings, recommend, similar_products
from shopper_spectrum.recommend.history import purchase_history
from shopper_spectrum.recommend.similarity import pairs_worth_reading


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
    lines = to_pandas(dbt.ref("fct_purchase_lines"))
    as_of_dates = to_pandas(dbt.ref("int_as_of_date"))
    as_of = pd.Timestamp(as_of_dates["as_of_date"].iloc[0])
    pairs = filtered(
        dbt.ref("fct_item_cooccurrence"),
        pairs_worth_reading(settings.measure, settings.min_cooccurrence),
    )
    neighbours = similar_products(
        to_pandas(pairs),
        settings.measure,
        settings.min_cooccurrence,
        settings.neighbours,
    )
    history = purchase_history(lines[~lines["is_cancellation"]])
    return recommend(history, neighbours, as_of, settings)
