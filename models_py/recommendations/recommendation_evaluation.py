"""Temporal-holdout evaluation of the recommender and a popularity baseline, side by side."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import RecommenderSettings
from shopper_spectrum.recommend.evaluation import evaluation_table


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
    neighbours = filtered(
        dbt.ref("int_recommendation_holdout_neighbours"), f"rank <= {settings.neighbours}"
    )
    return evaluation_table(
        to_pandas(dbt.ref("int_recommendation_holdout_lines")), to_pandas(neighbours), settings
    )
