"""Personalised recommendations: a customer's time-decayed purchase history through the item model.

score(customer, product j) = sum over bought products i of  decay(i) × weight(i → j)
where decay(i) = 0.5 ** (days since the customer last bought i / half_life_days) and the
weights are the item model's (fit_item_model): its positive weights, at most
weights_per_product of them per bought product (a best-seller is a neighbour of thousands of
products; its strongest predictions carry its vote, and scoring stays sparse). Products the
customer already bought are never recommended, nor products whose score is not positive;
"because you bought" names the bought product that contributed most to the score. A customer
whose history predicts fewer than N products gets the best-sellers they have not bought in the
remaining places, with no score and no "because you bought".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class RecommenderSettings:
    """The defaults chosen on rolling-origin folds (docs/recommendation_tuning.md); each is a dbt var."""

    neighbours: int = 20
    l2_multiple: float = 4.0
    half_life_days: float = 90.0
    top_n: int = 10
    # Each bought product adds to the scores of its strongest predictions only (0: all of them).
    weights_per_product: int = 20

    @classmethod
    def from_config(cls, config: dict) -> RecommenderSettings:
        """Settings from the `recommender` config of a dbt Python model (rendered vars, so text)."""
        return cls(
            neighbours=int(config["neighbours"]),
            l2_multiple=float(config["l2_multiple"]),
            half_life_days=float(config["half_life_days"]),
            top_n=int(config["top_n"]),
            weights_per_product=int(config["weights_per_product"]),
        )


def decay_weights(
    last_purchased_at: pd.Series, as_of: pd.Timestamp, half_life_days: float
) -> np.ndarray:
    age_days = (pd.Timestamp(as_of) - pd.to_datetime(last_purchased_at)).dt.total_seconds() / 86_400
    return np.power(0.5, np.maximum(age_days.to_numpy(dtype=float), 0) / half_life_days)


def recommend(
    history: pd.DataFrame,
    weights: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: RecommenderSettings = RecommenderSettings(),
    *,
    best_sellers: pd.Series | None = None,
    batch_customers: int = 2_000,
) -> pd.DataFrame:
    """Top-N new products per customer.

    Products are identified by product_key (int_product_keys' keys, or any sortable ids).
    history: customer_id, product_key, last_purchased_at (one row per customer and product).
    weights: product_key, neighbour_key, weight — the item model: buying neighbour_key adds
    weight to product_key's score.
    best_sellers: baskets per product (index: product_key), to fill lists shorter than top_n.
    Returns customer_id, rank, product_key, score, because_you_bought (a product key; score and
    because_you_bought are null on best-seller places).
    """
    # Sorted, so ties (broken by index) go to the smaller code whatever order the rows came in:
    # a database's group by returns them in no fixed order.
    products = pd.Index(
        pd.unique(
            np.concatenate(
                [
                    history["product_key"].to_numpy(),
                    weights["product_key"].to_numpy(),
                    weights["neighbour_key"].to_numpy(),
                ]
            )
        )
    ).sort_values()
    customer_rows, customers = pd.factorize(history["customer_id"], sort=True)
    n_products = len(products)
    item_weights = _strongest_per_row(
        sp.csr_matrix(
            (
                weights["weight"].to_numpy(dtype=float),
                (
                    products.get_indexer(weights["neighbour_key"]),
                    products.get_indexer(weights["product_key"]),
                ),
            ),
            shape=(n_products, n_products),
        ),
        settings.weights_per_product,
    )
    decayed = sp.csr_matrix(
        (
            decay_weights(history["last_purchased_at"], as_of, settings.half_life_days),
            (customer_rows, products.get_indexer(history["product_key"])),
        ),
        shape=(len(customers), n_products),
    )
    predictors = item_weights.T.tocsr()  # row j: the products whose purchase predicts j
    batches = []
    for start in range(0, len(customers), batch_customers):
        rows, *rest = _recommend_batch(
            decayed[start : start + batch_customers], item_weights, predictors, settings.top_n
        )
        batches.append((rows + start, *rest))
    picked_customers, product_cols, scores, because_cols, ranks = (
        np.concatenate([batch[field] for batch in batches]) if batches else np.array([], dtype=int)
        for field in range(5)
    )
    picks = pd.DataFrame(
        {
            "customer_id": np.asarray(customers)[picked_customers.astype(int)],
            "rank": ranks.astype(int),
            "product_key": products.to_numpy()[product_cols.astype(int)],
            "score": scores.astype(float),
            "because_you_bought": pd.Series(
                products.to_numpy()[because_cols.astype(int)], dtype=object
            ),
        }
    )
    if best_sellers is None:
        return picks
    fills = _best_seller_fills(history, picks, best_sellers, customers, settings.top_n)
    if fills.empty:
        return picks
    combined = pd.concat([picks, fills], ignore_index=True)
    return combined.sort_values(["customer_id", "rank"], ignore_index=True)


def _strongest_per_row(weights: sp.csr_matrix, per_row: int) -> sp.csr_matrix:
    """The positive entries of each row, at most per_row of them (largest; ties to smaller column)."""
    coo = weights.tocoo()
    keep = coo.data > 0
    rows, cols, values = coo.row[keep], coo.col[keep], coo.data[keep]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    if per_row > 0:
        place = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        rows, cols, values = rows[place < per_row], cols[place < per_row], values[place < per_row]
    return sp.csr_matrix((values, (rows, cols)), shape=weights.shape)


def _best_seller_fills(
    history: pd.DataFrame,
    picks: pd.DataFrame,
    best_sellers: pd.Series,
    customers: pd.Index,
    top_n: int,
) -> pd.DataFrame:
    """For customers with fewer than top_n picks, the best-sellers they neither bought nor got."""
    picked = picks.groupby("customer_id").size().reindex(customers, fill_value=0)
    short = picked[picked < top_n]
    taken = pd.concat(
        [history[["customer_id", "product_key"]], picks[["customer_id", "product_key"]]]
    )
    fills = best_sellers_not_taken(
        best_sellers, taken[taken["customer_id"].isin(short.index)], top_n - short
    )
    fills["rank"] += short.reindex(fills["customer_id"]).to_numpy()
    fills["score"] = np.nan
    fills["because_you_bought"] = None
    return fills


def best_sellers_not_taken(
    best_sellers: pd.Series, taken: pd.DataFrame, places: pd.Series
) -> pd.DataFrame:
    """For each customer of `places` (customer_id -> how many), that many products in order of
    best_sellers (most baskets first, ties to the smaller key), skipping the customer's `taken`
    ones (customer_id, product_key): customer_id, rank (1..), product_key."""
    ranked = best_sellers.sort_index().sort_values(ascending=False, kind="stable").index
    customers = places.index
    wanted = places.to_numpy()
    rows = customers.get_indexer(taken["customer_id"])
    taken_rank = ranked.get_indexer(taken["product_key"])
    # Look at the first `width` best-sellers, widened until every customer has enough not taken.
    width = min(len(ranked), int(wanted.max(initial=0)))
    while True:
        available = np.ones((len(customers), width), dtype=bool)
        inside = (rows >= 0) & (taken_rank >= 0) & (taken_rank < width)
        available[rows[inside], taken_rank[inside]] = False
        if width == len(ranked) or (available.sum(axis=1) >= wanted).all():
            break
        width = min(len(ranked), 2 * width)
    place = np.cumsum(available, axis=1)
    chosen, columns = np.nonzero(available & (place <= wanted[:, None]))
    return pd.DataFrame(
        {
            "customer_id": customers.to_numpy()[chosen],
            "rank": place[chosen, columns],
            "product_key": ranked.to_numpy()[columns],
        }
    )


def _recommend_batch(
    decayed: sp.csr_matrix,
    item_weights: sp.csr_matrix,
    predictors: sp.csr_matrix,
    top_n: int,
) -> tuple[np.ndarray, ...]:
    """(customer row, product, score, because-you-bought product, rank) of each recommendation."""
    scores = (decayed @ item_weights).tocsr()
    bought = decayed.copy()
    bought.data[:] = 1.0
    # Drop every product the customer already bought, and every score that is not positive.
    scores = (scores - scores.multiply(bought)).tocsr()
    scores.data[scores.data <= 0] = 0.0
    scores.eliminate_zeros()
    rows, cols, values, rank = _top_per_row(scores, top_n)
    return rows, cols, values, _because_you_bought(decayed, predictors, rows, cols), rank


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
    decayed: sp.csr_matrix, predictors: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """For each recommendation (customer row, product), the bought product that contributed most:
    argmax over the customer's history h of decay(h) × weight(h → product), ties to the smaller
    product index. predictors is the transposed weight matrix: each recommendation's history row
    times its product's row there, an element-wise merge of two short sorted lists."""
    contribution = decayed[rows].multiply(predictors[cols]).tocoo()
    # Per recommendation: highest contribution first, then the smaller product index.
    order = np.lexsort((contribution.col, -contribution.data, contribution.row))
    first = np.searchsorted(contribution.row[order], np.arange(len(rows)), side="left")
    return contribution.col[order][first]
