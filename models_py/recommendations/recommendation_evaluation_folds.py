"""Rolling-origin evaluation: every candidate recommender on each fold, one row per candidate and fold."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import CandidateGrid, ScoringSettings, jobs


def model(dbt, session):
    config = dbt.config.get("recommender")
    grid, settings = CandidateGrid.from_config(config), ScoringSettings.from_config(config)
    training_sets = to_pandas(filtered(dbt.ref("int_recommendation_training_sets"), "fold > 0"))
    return jobs.evaluation_folds(
        training_sets,
        gram=filtered(dbt.ref("int_product_pairs"), "fold > 0"),
        neighbours=filtered(dbt.ref("int_item_neighbours"), "fold > 0"),
        popularity=filtered(dbt.ref("int_product_popularity"), "fold > 0"),
        fold_customers=filtered(dbt.ref("int_recommendation_fold_customers"), "fold > 0"),
        grid=grid,
        settings=settings,
    )
