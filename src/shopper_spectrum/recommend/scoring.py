"""Personalised recommendations: a customer's time-decayed purchase history through item similarity.

score(customer, product) = sum over history items i of  decay(i) * similarity(i, product) ** power
where decay(i) = 0.5 ** (days since the customer last bought i / half_life_days). Products the
customer already bought are never recommended; "because you bought" names the history item that
contributed most to the score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class RecommenderSettings:
    """The tuned defaults (see docs/recommendation_tuning.md); each is a dbt var."""

    measure: str = "customer_jaccard"
    min_cooccurrence: int = 2
    neighbours: int = 100
    half_life_days: float = 90.0
    power: float = 2.0
    top_n: int = 10

    @classmethod
    def from_config(cls, config: dict) -> RecommenderSettings:
        """Settings from a dbt Python model's config values (rendered from vars, so text)."""
        return cls(
            measure=str(config["similarity_measure"]),
            min_cooccurrence=int(config["min_cooccurrence"]),
            neighbours=int(config["recommendation_neighbours"]),
            half_life_days=float(config["recommendation_half_life_days"]),
            power=float(config["similarity_power"]),
            top_n=int(config["recommendation_top_n"]),
        )


def decay_weights(
    last_purchased_at: pd.Series, as_of: pd.Timestamp, half_life_days: float
) -> np.ndarray:
    age_days = (pd.Timestamp(as_of) - pd.to_datetime(last_purchased_at)).dt.total_seconds() / 86_400
    return np.power(0.5, np.maximum(age_days.to_numpy(dtype=float), 0) / half_life_days)


def recommend(
    history: pd.DataFrame,
    neighbours: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: RecommenderSettings = RecommenderSettings(),
    batch_customers: int = 2_000,
) -> pd.DataFrame:
    """Top-N new products per customer.

    history: customer_id, product_code, last_purchased_at (one row per customer and product).
    neighbours: product_code, similar_product_code, similarity (each product's nearest products).
    """
    # Sorted, so ties (broken by index) go to the smaller code whatever order the rows came in:
    # a database's group by returns them in no fixed order.
    products = pd.Index(
        pd.unique(
            np.concatenate(
                [
                    history["product_code"].to_numpy(dtype=object),
                    neighbours["product_code"].to_numpy(dtype=object),
                    neighbours["similar_product_code"].to_numpy(dtype=object),
                ]
            )
        )
    ).sort_values()
    customers = pd.Index(pd.unique(history["customer_id"])).sort_values()
    n_products = len(products)
    similarity = sp.csr_matrix(
        (
            np.power(neighbours["similarity"].to_numpy(dtype=float), settings.power),
            (
                products.get_indexer(neighbours["product_code"]),
                products.get_indexer(neighbours["similar_product_code"]),
            ),
        ),
        shape=(n_products, n_products),
    )
    weights = sp.csr_matrix(
        (
            decay_weights(history["last_purchased_at"], as_of, settings.half_life_days),
            (
                customers.get_indexer(history["customer_id"]),
                products.get_indexer(history["product_code"]),
            ),
        ),
        shape=(len(customers), n_products),
    )
    similar_to = similarity.T.tocsr()  # row p: the products similar to p, for the reasons
    batches = []
    for start in range(0, len(customers), batch_customers):
        rows, *rest = _recommend_batch(
            weights[start : start + batch_customers], similarity, similar_to, settings.top_n
        )
        batches.append((rows + start, *rest))
    customer_rows, product_cols, scores, because_cols, ranks = (
        np.concatenate([batch[field] for batch in batches]) if batches else np.array([], dtype=int)
        for field in range(5)
    )
    return pd.DataFrame(
        {
            "customer_id": customers.to_numpy()[customer_rows.astype(int)],
            "rank": ranks.astype(int),
            "product_code": products.to_numpy()[product_cols.astype(int)],
            "score": scores.astype(float),
            "because_you_bought": products.to_numpy()[because_cols.astype(int)],
        }
    )


def _recommend_batch(
    weights: sp.csr_matrix,
    similarity: sp.csr_matrix,
    similar_to: sp.csr_matrix,
    top_n: int,
) -> tuple[np.ndarray, ...]:
    """(customer row, product, score, because-you-bought product, rank) of each recommendation."""
    scores = (weights @ similarity).tocsr()
    bought = weights.copy()
    bought.data[:] = 1.0
    # Zero out (and drop) every product the customer already bought.
    scores = (scores - scores.multiply(bought)).tocsr()
    scores.eliminate_zeros()
    rows, cols, values, rank = _top_per_row(scores, top_n)
    return rows, cols, values, _because_you_bought(weights, similar_to, rows, cols), rank


def _top_per_row(scores: sp.csr_matrix, top_n: int) -> tuple[np.ndarray, ...]:
    """Each row's top_n entries by score, ties to the smaller column: (row, column, score, rank).

    A partial selection per row: sorting every candidate score of every customer costs more than
    the scoring itself.
    """
    picked_rows, picked_positions = [], []
    indptr, data, indices = scores.indptr, scores.data, scores.indices
    for row in np.flatnonzero(np.diff(indptr)):
        start, end = indptr[row], indptr[row + 1]
        row_scores = data[start:end]
        if end - start > top_n:
            # Keep every score tied with the top_n-th, so the column tie-break below decides.
            threshold = np.partition(row_scores, end - start - top_n)[end - start - top_n]
            candidates = np.flatnonzero(row_scores >= threshold)
        else:
            candidates = np.arange(end - start)
        order = np.lexsort((indices[start + candidates], -row_scores[candidates]))[:top_n]
        picked_positions.append(start + candidates[order])
        picked_rows.append(np.full(len(order), row))
    if not picked_positions:
        empty = np.array([], dtype=int)
        return empty, empty, np.array([], dtype=float), empty
    positions = np.concatenate(picked_positions)
    rows = np.concatenate(picked_rows)
    first_of_row = np.searchsorted(rows, rows, side="left")
    rank = np.arange(len(rows)) - first_of_row + 1
    return rows, indices[positions], data[positions], rank


def _because_you_bought(
    weights: sp.csr_matrix, similar_to: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """For each recommendation (customer row, product), the bought product that contributed most:
    argmax over the customer's history h of weight(h) × similarity(h, product), ties to the smaller
    product index. similar_to is the transposed similarity matrix: each recommendation's history
    row times its product's row there, an element-wise merge of two short sorted lists."""
    contribution = weights[rows].multiply(similar_to[cols]).tocoo()
    # Per recommendation: highest contribution first, then the smaller product index.
    order = np.lexsort((contribution.col, -contribution.data, contribution.row))
    first = np.searchsorted(contribution.row[order], np.arange(len(rows)), side="left")
    return contribution.col[order][first]
