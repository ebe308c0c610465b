"""The tuning record's arithmetic (scripts/tune_recommender.py): a build's folds, references the
build does not evaluate, and their summary over folds.

The candidates and the choice between them are the build's own (recommendation_evaluation); the
script adds references — library peers, full EASE, similar-products rankings — evaluated on the
same folds with the same metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from shopper_spectrum.recommend.evaluation import METRICS, Fold, evaluate_recommendations


def load_folds(database: str | Path) -> list[Fold]:
    """The evaluation folds of a build, most recent first."""
    with duckdb.connect(str(database), read_only=True) as con:
        training_sets = con.execute(
            "select fold, training_cutoff from int_recommendation_training_sets"
            " where fold > 0 order by fold"
        ).fetchall()

        def rows(table: str, fold: int) -> pd.DataFrame:
            return con.execute(f"select * from {table} where fold = ?", [fold]).df()

        return [
            Fold.from_tables(
                fold,
                cutoff,
                gram=rows("int_product_pairs", fold),
                neighbours=rows("int_item_neighbours", fold),
                popularity=rows("int_product_popularity", fold),
                fold_customers=rows("int_recommendation_fold_customers", fold),
            )
            for fold, cutoff in training_sets
        ]


def evaluate_per_fold(
    folds: list[Fold], recommender: Callable[[Fold], pd.DataFrame], k: int = 10
) -> pd.DataFrame:
    """Any recommender (fold -> customer_id, rank, product_key rows) scored on every fold."""
    rows = []
    for fold in folds:
        metrics = evaluate_recommendations(recommender(fold), fold.truth, fold.catalogue_size, k)
        rows.append({"fold": fold.number, **metrics})
    return pd.DataFrame(rows)


def last_basket_seeds(fold: Fold) -> pd.DataFrame:
    """Each evaluated customer's products of their last purchase day before the cutoff."""
    history = fold.history
    last = history.groupby("customer_id")["last_purchased_at"].transform("max")
    return history.loc[
        history["last_purchased_at"] == last, ["customer_id", "product_key"]
    ].reset_index(drop=True)


def evaluate_similar_products(
    folds: list[Fold], similar: Callable[[Fold], pd.DataFrame], k: int = 10
) -> pd.DataFrame:
    """How well a product's similar-products list predicts what its buyers buy next.

    For each evaluated customer and each product of their last basket before the cutoff (a
    seed), the seed's top-k list (similar: fold -> product_key, rank, neighbour_key) is scored
    against the products new to the customer in the test window: precision@k and hit rate over
    (customer, seed) pairs.
    """
    rows = []
    for fold in folds:
        lists = similar(fold)
        lists = lists[lists["rank"] <= k]
        seeds = last_basket_seeds(fold)
        shown = seeds.merge(lists, on="product_key")
        shown = shown.rename(columns={"product_key": "seed_key", "neighbour_key": "product_key"})
        hit_keys = pd.MultiIndex.from_frame(fold.truth[["customer_id", "product_key"]])
        shown["hit"] = pd.MultiIndex.from_frame(shown[["customer_id", "product_key"]]).isin(
            hit_keys
        )
        hits = shown.groupby(["customer_id", "seed_key"])["hit"].sum()
        hits = hits.reindex(
            pd.MultiIndex.from_frame(seeds.rename(columns={"product_key": "seed_key"})),
            fill_value=0,
        )
        rows.append(
            {
                "fold": fold.number,
                "seeds": len(seeds),
                "precision_at_k": float((hits / k).mean()),
                "hit_rate_at_k": float((hits > 0).mean()),
            }
        )
    return pd.DataFrame(rows)


def summarise(per_fold: dict[str, pd.DataFrame], baseline: str) -> pd.DataFrame:
    """Mean and standard error over folds per reference, and its paired difference to baseline.

    The standard error of a mean is the sample standard deviation over folds / sqrt(folds); the
    difference to the baseline is taken fold by fold first, which removes what makes one fold
    harder than another for every candidate.
    """
    reference = per_fold[baseline].set_index("fold")
    rows = []
    for name, candidate in per_fold.items():
        table = candidate.set_index("fold")
        row: dict[str, object] = {"candidate": name, "folds": len(table)}
        for metric in (m for m in ("customers_evaluated", *METRICS) if m in table):
            values = table[metric].astype(float)
            row[metric] = values.mean()
            row[f"{metric}_se"] = _standard_error(values)
            if metric != "customers_evaluated":
                difference = values - reference[metric].reindex(values.index)
                row[f"{metric}_diff"] = difference.mean()
                row[f"{metric}_diff_se"] = _standard_error(difference)
        rows.append(row)
    return pd.DataFrame(rows)


def _standard_error(values: pd.Series) -> float:
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else float("nan")
