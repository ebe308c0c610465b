"""The recommendation models' work, on either engine: the same package functions run over
buckets of customers or folds on threads on DuckDB, and over buckets of products, customers or
folds on Spark's executors (shopper_spectrum.buckets), so the pair counts, the purchase history
and the scores never reach the Spark driver. What the driver does collect is small: product
codes, popularity, the item model's weights (products × K) and each Gram's diagonal."""

from __future__ import annotations

import pandas as pd

from shopper_spectrum.buckets import BUCKET, by_bucket, cogrouped, in_threads, is_spark
from shopper_spectrum.frames import filtered, selected, to_pandas
from shopper_spectrum.recommend.candidates import Candidate, CandidateGrid, evaluated_candidates
from shopper_spectrum.recommend.evaluation import (
    FOLD_COLUMNS,
    NO_ITEM_MODEL,
    POPULARITY_COLUMNS,
    Fold,
    evaluate_fold,
    stack_folds,
    stacked_item_models,
)
from shopper_spectrum.recommend.item_model import labelled_item_model, mean_own_count
from shopper_spectrum.recommend.scoring import Purchases, ScoringSettings, recommend, score_items
from shopper_spectrum.recommend.spark_parts import (
    GRAM_OF,
    gram_of,
    mean_counts,
    neighbourhood_parts,
)

ITEM_MODEL_SCHEMA = (
    "product_key int, product_code string, neighbour_key int, neighbour_code string, weight double"
)
FITTED_SCHEMA = (
    "fold long, count_unit string, product_key int, neighbour_key int, weight double,"
    " neighbours long, l2_multiple double"
)
RECOMMENDATIONS_SCHEMA = (
    "customer_id string, rank long, product_code string, score double, reason string,"
    " because_you_bought string"
)
# A fold's Gram without its fold number: millions of rows that would repeat one value.
GRAM_COLUMNS = ["count_unit", "product_key_a", "product_key_b", "co_count"]
SPARK_TYPES = {
    "int64": "long",
    "Int64": "long",
    "object": "string",
    "float64": "double",
    "bool": "boolean",
    "datetime64[us]": "timestamp",
}
FOLDS_SCHEMA = ", ".join(f"{name} {SPARK_TYPES[dtype]}" for name, dtype in FOLD_COLUMNS.items())


def item_model(gram, neighbours, l2_multiple: float, codes: pd.Series):
    """labelled_item_model over one Gram (gram, neighbours: its rows of int_item_neighbourhood_pairs
    and int_item_neighbours), by buckets of products: on DuckDB one per core in threads, each
    with the whole Gram (at 10M lines 0.24M rows; the fit 0.81-0.86 s on one thread, 0.52-0.66 s
    on two, the same weights to the bit)."""
    if not is_spark(gram):
        gram_rows = to_pandas(gram)
        mean_count = mean_own_count(gram_rows)

        def fit_products(neighbour_rows: pd.DataFrame) -> pd.DataFrame:
            return labelled_item_model(gram_rows, neighbour_rows, l2_multiple, codes, mean_count)

        return by_bucket(fit_products, neighbours, "product_key", ITEM_MODEL_SCHEMA)
    means = mean_counts(gram)
    entries, targets = neighbourhood_parts(gram, neighbours)

    def fit(entry_rows: pd.DataFrame, target_rows: pd.DataFrame) -> pd.DataFrame:
        return labelled_item_model(
            entry_rows, target_rows, l2_multiple, codes, means[gram_of(target_rows)]
        )

    return cogrouped(fit, entries, targets, [*GRAM_OF, BUCKET], ITEM_MODEL_SCHEMA)


def customer_recommendations(
    history,
    *,
    weights: pd.DataFrame,
    popularity: pd.DataFrame,
    codes: pd.Series,
    as_of: pd.Timestamp,
    candidate: Candidate,
    settings: ScoringSettings,
):
    """Each customer's top-N by the chosen candidate (history: int_customer_product_history's
    customer_id, product_key, last_purchased_at); on Spark, by buckets of customers."""
    item_weights = weights if candidate.uses_item_model else NO_ITEM_MODEL
    fill = popularity.set_index("product_key")[POPULARITY_COLUMNS[candidate.fill_window]]

    def recommend_to(customers_history: pd.DataFrame) -> pd.DataFrame:
        purchases = Purchases.from_history(
            customers_history, as_of, settings.half_life_days, products=popularity["product_key"]
        )
        scores = score_items(purchases, item_weights, settings.weights_per_product)
        picks = recommend(scores, fill, candidate.popularity_share, settings.top_n)
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

    return by_bucket(recommend_to, history, "customer_id", RECOMMENDATIONS_SCHEMA)


def evaluation_folds(
    training_sets: pd.DataFrame,
    *,
    gram,
    neighbours,
    popularity,
    fold_customers,
    grid: CandidateGrid,
    settings: ScoringSettings,
):
    """evaluate_fold on every fold of training_sets (fold > 0). On DuckDB the folds are read one
    after another and evaluated on a thread per core; on Spark the item models are fitted by
    buckets of products, then each fold is scored on an executor of its own (a fold evaluates at
    most evaluation_max_customers customers)."""
    if not is_spark(gram):
        folds = (
            Fold.from_tables(
                fold.fold,
                fold.training_cutoff,
                gram=to_pandas(selected(filtered(gram, f"fold = {fold.fold}"), GRAM_COLUMNS)),
                neighbours=to_pandas(filtered(neighbours, f"fold = {fold.fold}")),
                popularity=to_pandas(filtered(popularity, f"fold = {fold.fold}")),
                fold_customers=to_pandas(filtered(fold_customers, f"fold = {fold.fold}")),
                inputs_digest=fold.inputs_digest,
            )
            for fold in training_sets.sort_values("fold").itertuples()
        )
        return stack_folds(in_threads(lambda fold: evaluate_fold(fold, grid, settings), folds))
    fitted = _fitted_by_buckets(gram, neighbours, grid)
    cutoffs = training_sets.set_index("fold")["training_cutoff"]
    digests = training_sets.set_index("fold")["inputs_digest"]
    popularity_by_fold = dict(list(to_pandas(popularity).groupby("fold")))

    def evaluate(customer_rows: pd.DataFrame, fitted_rows: pd.DataFrame) -> pd.DataFrame:
        number = int(pd.concat([customer_rows["fold"], fitted_rows["fold"]]).iloc[0])
        fold = Fold.from_tables(
            number,
            cutoffs[number],
            popularity=popularity_by_fold[number],
            fold_customers=customer_rows,
            fitted=fitted_rows,
            inputs_digest=digests[number],
        )
        return stack_folds([evaluate_fold(fold, grid, settings)])

    return cogrouped(evaluate, fold_customers, fitted, ["fold"], FOLDS_SCHEMA)


def _fitted_by_buckets(gram, neighbours, grid: CandidateGrid):
    """Every fold's item models for the grid's settings, fitted on Spark by buckets of products."""
    fits = {
        (c.count_unit, c.neighbours, c.l2_multiple)
        for c in evaluated_candidates(grid)
        if c.uses_item_model
    }
    widest = max((k for _, k, _ in fits), default=0)
    # Only the units some candidate counts (baskets are counted even when the grid offers only
    # customers: the item model's fallback).
    units = ", ".join(sorted({f"'{unit}'" for unit, _, _ in fits})) or "null"
    means = mean_counts(gram)
    entries, targets = neighbourhood_parts(
        gram, filtered(neighbours, f"rank <= {widest} and count_unit in ({units})")
    )

    def fit(entry_rows: pd.DataFrame, target_rows: pd.DataFrame) -> pd.DataFrame:
        fold, unit = gram_of(target_rows)
        settings = sorted((k, l2) for u, k, l2 in fits if u == unit)
        models = stacked_item_models(entry_rows, target_rows, settings, means[(fold, unit)])
        return models.assign(fold=fold, count_unit=unit)[
            [
                "fold",
                "count_unit",
                "product_key",
                "neighbour_key",
                "weight",
                "neighbours",
                "l2_multiple",
            ]
        ]

    return cogrouped(fit, entries, targets, [*GRAM_OF, BUCKET], FITTED_SCHEMA)
