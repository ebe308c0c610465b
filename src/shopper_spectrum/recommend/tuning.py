"""Choosing the recommender's settings on rolling-origin folds (scripts/tune_recommender.py).

The folds are the build's own (int_recommendation_* tables of a build with more folds, every pair
kept and more neighbours ranked), so each candidate setting is evaluated by the code that
recommendation_evaluation runs, on the counts the build computes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from shopper_spectrum.recommend.evaluation import (
    METRICS,
    Fold,
    evaluate_recommendations,
    item_model_recommendations,
)
from shopper_spectrum.recommend.scoring import RecommenderSettings


def load_folds(database: str | Path) -> list[Fold]:
    """The evaluation folds of a build, most recent first."""
    with duckdb.connect(str(database), read_only=True) as con:
        training_sets = con.execute(
            "select fold, training_cutoff from int_recommendation_training_sets"
            " where fold > 0 order by fold"
        ).fetchall()
        return [
            Fold.from_tables(
                fold,
                cutoff,
                con.execute("select * from int_product_pairs where fold = ?", [fold]).df(),
                con.execute("select * from int_item_neighbours where fold = ?", [fold]).df(),
                con.execute(
                    "select * from int_recommendation_fold_customers where fold = ?", [fold]
                ).df(),
            )
            for fold, cutoff in training_sets
        ]


def with_min_cooccurrence(fold: Fold, min_cooccurrence: int) -> Fold:
    """The fold as a build with a higher var min_cooccurrence would have it.

    Neighbours are ranked by shared baskets, so dropping the pairs below the threshold leaves
    the ranks as the build would number them.
    """
    gram = fold.gram
    keep = (gram["product_key_a"] == gram["product_key_b"]) | (gram["baskets"] >= min_cooccurrence)
    return replace(
        fold,
        gram=gram[keep],
        neighbours=fold.neighbours[fold.neighbours["co_baskets"] >= min_cooccurrence],
    )


def evaluate_item_model(
    folds: list[Fold], settings: RecommenderSettings, min_cooccurrence: int
) -> pd.DataFrame:
    """The item model with these settings on every fold: one row of metrics per fold."""
    return evaluate_per_fold(
        folds,
        lambda fold: item_model_recommendations(
            with_min_cooccurrence(fold, min_cooccurrence), settings
        ),
        settings.top_n,
    )


def evaluate_per_fold(
    folds: list[Fold], recommender: Callable[[Fold], pd.DataFrame], k: int = 10
) -> pd.DataFrame:
    """Any recommender (fold -> customer_id, rank, product_key rows) scored on every fold."""
    rows = []
    for fold in folds:
        catalogue = len(fold.product_baskets)
        metrics = evaluate_recommendations(recommender(fold), fold.truth, catalogue, k)
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
    """Mean and standard error over folds per candidate, and its paired difference to baseline.

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
