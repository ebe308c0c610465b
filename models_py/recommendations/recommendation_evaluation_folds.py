"""Rolling-origin evaluation: every candidate recommender on each fold, one row per candidate and fold."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import CandidateGrid, Fold, ScoringSettings, evaluate_fold
from shopper_spectrum.recommend.evaluation import stack_folds


def model(dbt, session):
    config = dbt.config.get("recommender")
    grid, settings = CandidateGrid.from_config(config), ScoringSettings.from_config(config)
    folds = to_pandas(filtered(dbt.ref("int_recommendation_training_sets"), "fold > 0"))
    evaluated = [
        evaluate_fold(
            Fold.from_tables(
                fold.fold,
                fold.training_cutoff,
                gram=to_pandas(filtered(dbt.ref("int_product_pairs"), f"fold = {fold.fold}")),
                neighbours=to_pandas(
                    filtered(dbt.ref("int_item_neighbours"), f"fold = {fold.fold}")
                ),
                popularity=to_pandas(
                    filtered(dbt.ref("int_product_popularity"), f"fold = {fold.fold}")
                ),
                fold_customers=to_pandas(
                    filtered(dbt.ref("int_recommendation_fold_customers"), f"fold = {fold.fold}")
                ),
            ),
            grid,
            settings,
        )
        for fold in folds.sort_values("fold").itertuples()
    ]
    return stack_folds(evaluated)
