"""Rolling-origin evaluation: the item model and popularity on each fold, one row per model and fold."""

from shopper_spectrum.frames import filtered, to_pandas
from shopper_spectrum.recommend import Fold, RecommenderSettings, evaluate_fold
from shopper_spectrum.recommend.evaluation import stack_folds


def model(dbt, session):
    settings = RecommenderSettings.from_config(dbt.config.get("recommender"))
    folds = to_pandas(filtered(dbt.ref("int_recommendation_training_sets"), "fold > 0"))
    evaluated = [
        evaluate_fold(
            Fold.from_tables(
                fold.fold,
                fold.training_cutoff,
                to_pandas(filtered(dbt.ref("int_product_pairs"), f"fold = {fold.fold}")),
                to_pandas(filtered(dbt.ref("int_item_neighbours"), f"fold = {fold.fold}")),
                to_pandas(
                    filtered(dbt.ref("int_recommendation_fold_customers"), f"fold = {fold.fold}")
                ),
            ),
            settings,
        )
        for fold in folds.sort_values("fold").itertuples()
    ]
    return stack_folds(evaluated)
