"""Offline evaluation on rolling-origin folds: precision, recall, hit rate, NDCG at k and coverage.

A fold trains on every purchase before its cutoff and tests on the products each customer buys
for the first time in the window after it. The build's recommendation_evaluation and
scripts/tune_recommender.py both evaluate through evaluate_fold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from shopper_spectrum.recommend.item_model import fit_item_model
from shopper_spectrum.recommend.scoring import (
    RecommenderSettings,
    best_sellers_not_taken,
    recommend,
)

METRICS = ("precision_at_k", "recall_at_k", "hit_rate_at_k", "ndcg_at_k", "catalogue_coverage")
# recommendation_evaluation_folds' columns, so that a build too short for any fold still has them.
FOLD_COLUMNS = {
    "model": "object",
    "fold": "int64",
    "training_cutoff": "datetime64[us]",
    "k": "int64",
    "customers_evaluated": "int64",
    **dict.fromkeys(METRICS, "float64"),
}


@dataclass(frozen=True)
class Fold:
    """One fold's training counts and its evaluated customers (int_recommendation_* tables)."""

    number: int
    training_cutoff: pd.Timestamp
    gram: pd.DataFrame  # product_key_a, product_key_b, baskets: counts before the cutoff
    neighbours: pd.DataFrame  # product_key, rank, neighbour_key, co_baskets
    history: pd.DataFrame  # customer_id, product_key, last_purchased_at: before the cutoff
    truth: pd.DataFrame  # customer_id, product_key: new to the customer in the test window

    @classmethod
    def from_tables(
        cls,
        number: int,
        training_cutoff,
        gram: pd.DataFrame,
        neighbours: pd.DataFrame,
        fold_customers: pd.DataFrame,
    ) -> Fold:
        """fold_customers: int_recommendation_fold_customers' rows of this fold. Customers are
        numbered 0.. here: the evaluation only needs to tell them apart."""
        is_truth = fold_customers["is_truth"].astype(bool).to_numpy()
        customers = pd.factorize(fold_customers["customer_id"])[0]
        rows = pd.DataFrame(
            {
                "customer_id": customers,
                "product_key": fold_customers["product_key"].to_numpy(),
                "last_purchased_at": fold_customers["last_purchased_at"].to_numpy(),
            }
        )
        return cls(
            number=number,
            training_cutoff=pd.Timestamp(training_cutoff),
            gram=gram,
            neighbours=neighbours,
            history=rows.loc[~is_truth].reset_index(drop=True),
            truth=rows.loc[is_truth, ["customer_id", "product_key"]].reset_index(drop=True),
        )

    @cached_property
    def product_baskets(self) -> pd.Series:
        """Each product's training basket count (the Gram's diagonal), by product key; computed
        once per fold, as the model, the baseline and the catalogue size all need it."""
        own = self.gram[self.gram["product_key_a"] == self.gram["product_key_b"]]
        return pd.Series(own["baskets"].to_numpy(), index=own["product_key_a"].to_numpy())


def item_model_recommendations(fold: Fold, settings: RecommenderSettings) -> pd.DataFrame:
    """The production recommender, fitted on the fold's counts, for the fold's customers."""
    neighbours = fold.neighbours[fold.neighbours["rank"] <= settings.neighbours]
    weights = fit_item_model(fold.gram, neighbours, settings.l2_multiple)
    return recommend(
        fold.history, weights, fold.training_cutoff, settings, best_sellers=fold.product_baskets
    )


def popularity_recommendations(
    product_baskets: pd.Series, history: pd.DataFrame, top_n: int = 10
) -> pd.DataFrame:
    """The baseline: the products in most baskets, minus each customer's own purchases, for every
    customer in history."""
    customers = pd.Index(np.sort(pd.unique(history["customer_id"])))
    places = pd.Series(top_n, index=customers)
    return best_sellers_not_taken(product_baskets, history[["customer_id", "product_key"]], places)


def evaluate_fold(fold: Fold, settings: RecommenderSettings) -> pd.DataFrame:
    """The item model and the popularity baseline on one fold: one row of metrics each."""
    catalogue = len(fold.product_baskets)
    candidates = {
        "item_model": item_model_recommendations(fold, settings),
        "popularity": popularity_recommendations(
            fold.product_baskets, fold.history, settings.top_n
        ),
    }
    rows = [
        {
            "model": name,
            "fold": fold.number,
            "training_cutoff": fold.training_cutoff,
            "k": settings.top_n,
            **evaluate_recommendations(recs, fold.truth, catalogue, settings.top_n),
        }
        for name, recs in candidates.items()
    ]
    return pd.DataFrame(rows)


def stack_folds(evaluated: list[pd.DataFrame]) -> pd.DataFrame:
    """The evaluate_fold tables as one, with its columns and types even when there is no fold."""
    if not evaluated:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in FOLD_COLUMNS.items()})
    return pd.concat(evaluated, ignore_index=True).astype(FOLD_COLUMNS)


def evaluate_recommendations(
    recommendations: pd.DataFrame, truth: pd.DataFrame, catalogue_size: int, k: int = 10
) -> dict[str, float]:
    """Metrics at k over the customers in `truth` (customer_id, product_key: new products bought).

    precision@k = hits / k; recall@k = hits / |truth|; hit rate = share with at least one hit;
    NDCG@k with binary relevance; coverage = distinct products recommended / catalogue_size.
    """
    customers = pd.Index(pd.unique(truth["customer_id"]))
    if customers.empty:
        return {"customers_evaluated": 0, **dict.fromkeys(METRICS, float("nan"))}
    top = recommendations[recommendations["rank"] <= k]
    top = top[top["customer_id"].isin(customers)]
    relevant = pd.MultiIndex.from_frame(truth[["customer_id", "product_key"]])
    is_hit = pd.MultiIndex.from_frame(top[["customer_id", "product_key"]]).isin(relevant)
    by_customer = top["customer_id"].to_numpy()
    hits = pd.Series(is_hit.astype(float)).groupby(by_customer).sum()
    hits = hits.reindex(customers, fill_value=0.0).to_numpy()
    gains = pd.Series(is_hit / np.log2(top["rank"].to_numpy() + 1.0)).groupby(by_customer).sum()
    dcg = gains.reindex(customers, fill_value=0.0).to_numpy()
    truth_sizes = truth.groupby("customer_id").size().reindex(customers).to_numpy()
    discounts = np.cumsum(1 / np.log2(np.arange(2, k + 2)))
    ideal = discounts[np.minimum(truth_sizes, k) - 1]
    return {
        "customers_evaluated": len(customers),
        "precision_at_k": float(np.mean(hits / k)),
        "recall_at_k": float(np.mean(hits / truth_sizes)),
        "hit_rate_at_k": float(np.mean(hits > 0)),
        "ndcg_at_k": float(np.mean(dcg / ideal)),
        "catalogue_coverage": top["product_key"].nunique() / catalogue_size
        if catalogue_size
        else 0.0,
    }
