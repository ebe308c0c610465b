"""Rolling-origin evaluation: every candidate recommender on each fold, one row per candidate and
fold. On DuckDB a fold whose inputs did not change since the last build keeps its rows (reuse)."""

from dbt.adapters.events.logging import AdapterLogger

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import CandidateGrid, ScoringSettings, jobs, reuse
from shopper_spectrum.recommend.evaluation import stack_folds


def model(dbt, session):
    config = dbt.config.get("recommender")
    grid, settings = CandidateGrid.from_config(config), ScoringSettings.from_config(config)
    training_sets = reuse.fold_keys(
        to_pandas(filtered(dbt.ref("int_recommendation_training_sets"), "fold > 0")),
        grid,
        settings,
    )
    previous = to_pandas(session.sql(f"select * from {dbt.this}")) if dbt.is_incremental else None
    kept, to_evaluate = reuse.split_reusable(previous, training_sets)
    if kept is not None:
        AdapterLogger("recommendation_evaluation_folds").info(
            reuse.summary(training_sets, to_evaluate)
        )
    evaluated = jobs.evaluation_folds(
        to_evaluate,
        gram=filtered(dbt.ref("int_item_neighbourhood_pairs"), "fold > 0"),
        neighbours=filtered(dbt.ref("int_item_neighbours"), "fold > 0"),
        popularity=filtered(dbt.ref("int_product_popularity"), "fold > 0"),
        fold_customers=filtered(dbt.ref("int_recommendation_fold_customers"), "fold > 0"),
        grid=grid,
        settings=settings,
    )
    return evaluated if kept is None else stack_folds([kept, evaluated])
