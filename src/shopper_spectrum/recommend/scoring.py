"""Personalised recommendations: the item model's scores for each customer, blended with popularity.

item score(customer, product j) = sum over bought products i of  decay(i) × weight(i → j)
where decay(i) = 0.5 ** (days since the customer last bought i / half_life_days) and the
weights are the item model's (fit_item_model): its positive weights, at most
weights_per_product of them per bought product (a best-seller is a neighbour of thousands of
products; its strongest predictions carry its vote, and scoring stays sparse).

A list ranks the products the customer has not bought by

    score = (1 - share) × item score / the customer's largest item score
            + share × popularity / the largest popularity

with the popularity share the build chose on its folds (0: the item model alone, 1: the
best-sellers alone). Equal scores go to the more popular product, then the smaller key, so the
item model alone ends a short list with the best-sellers the customer has not bought. The
candidates ranked are the customer's CANDIDATES highest item scores and CANDIDATES most popular
products they have not bought (exactly the blend's top N whenever the share is 0 or 1).

Each pick says why: `bought_with` when the item score is the larger part, with the bought product
that contributed most ("because you bought"); `popular_now` when popularity is.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from shopper_spectrum.recommend.sorted_entries import SortedEntries

# Candidates per customer from each source (item scores, best-sellers not bought).
CANDIDATES = 100
# Score cells ranked at once (customers × products): 64 MB of float64.
DENSE_CELLS = 8_000_000
# Recommendations explained at once ("because you bought"): ~1M look-ups.
BECAUSE_SLICE = 100_000
BOUGHT_WITH, POPULAR_NOW = "bought_with", "popular_now"


@dataclass(frozen=True)
class ScoringSettings:
    """The scoring settings every candidate shares: the dbt vars, their one definition."""

    half_life_days: float
    top_n: int
    # Each bought product adds to the scores of its strongest predictions only (0: all of them).
    weights_per_product: int

    @classmethod
    def from_config(cls, config: dict) -> ScoringSettings:
        """From the `recommender` config of a dbt Python model (rendered vars, so text)."""
        return cls(
            half_life_days=float(config["half_life_days"]),
            top_n=int(config["top_n"]),
            weights_per_product=int(config["weights_per_product"]),
        )


def decay_weights(
    last_purchased_at: pd.Series, as_of: pd.Timestamp, half_life_days: float
) -> np.ndarray:
    age_days = (pd.Timestamp(as_of) - pd.to_datetime(last_purchased_at)).dt.total_seconds() / 86_400
    return np.power(0.5, np.maximum(age_days.to_numpy(dtype=float), 0) / half_life_days)


@dataclass(frozen=True)
class Purchases:
    """What each customer bought, as a matrix: customers and products are sorted; decayed
    (customers × products) holds each bought product's decay."""

    customers: pd.Index
    products: pd.Index
    decayed: sp.csr_matrix

    @classmethod
    def from_history(
        cls,
        history: pd.DataFrame,
        as_of: pd.Timestamp,
        half_life_days: float,
        products: pd.Index | np.ndarray | pd.Series | None = None,
    ) -> Purchases:
        """history: customer_id, product_key, last_purchased_at (one row per customer and
        product); products: the catalogue to index beside the bought ones (every product an item
        model or the popularity may name)."""
        catalogue = pd.Index(
            pd.unique(
                np.concatenate(
                    [
                        history["product_key"].to_numpy(),
                        np.asarray([] if products is None else products),
                    ]
                )
            )
        ).sort_values()
        customer_rows, customers = pd.factorize(history["customer_id"], sort=True)
        decayed = sp.csr_matrix(
            (
                decay_weights(history["last_purchased_at"], as_of, half_life_days),
                (customer_rows, catalogue.get_indexer(history["product_key"])),
            ),
            shape=(len(customers), len(catalogue)),
        )
        return cls(customers, catalogue, decayed)


@dataclass(frozen=True)
class ItemScores:
    """Every customer's item scores, computed once and blended with any popularity: scores
    (customers × products) holds decayed history × weights, products the customer bought
    included (recommend never ranks them); predictors the weights transposed (row j: the bought
    products that predict j)."""

    purchases: Purchases
    scores: sp.csr_matrix
    predictors: sp.csr_matrix

    @property
    def customers(self) -> pd.Index:
        return self.purchases.customers

    @property
    def products(self) -> pd.Index:
        return self.purchases.products

    @property
    def decayed(self) -> sp.csr_matrix:
        return self.purchases.decayed


def score_items(
    purchases: Purchases, weights: pd.DataFrame, weights_per_product: int = 20
) -> ItemScores:
    """weights: product_key, neighbour_key, weight (buying neighbour_key adds weight to
    product_key's score), every product among purchases.products."""
    products = purchases.products
    predicted = products.get_indexer(weights["product_key"])
    predicting = products.get_indexer(weights["neighbour_key"])
    if (predicted < 0).any() or (predicting < 0).any():
        raise ValueError("the item model names products the purchases' catalogue does not hold")
    item_weights = _strongest_per_row(
        sp.csr_matrix(
            (weights["weight"].to_numpy(dtype=float), (predicting, predicted)),
            shape=(len(products), len(products)),
        ),
        weights_per_product,
    )
    return ItemScores(purchases, (purchases.decayed @ item_weights).tocsr(), item_weights.T.tocsr())


def recommend(
    item_scores: ItemScores,
    popularity: pd.Series,
    popularity_share: float,
    top_n: int = 10,
    *,
    explain: bool = True,
) -> pd.DataFrame:
    """Each customer's top_n products not yet bought (see the module's docstring).

    popularity: by product key (products it lacks count 0).
    Returns customer_id, rank, product_key, score, reason, because_you_bought (a product key on
    bought_with picks, null on popular_now ones and when not asked to explain).
    """
    lists = recommend_each(
        item_scores, {None: popularity}, {None: [popularity_share]}, top_n, explain=explain
    )
    return lists[(None, popularity_share)]


def recommend_each(
    item_scores: ItemScores,
    popularities: dict[Hashable, pd.Series],
    shares: dict[Hashable, list[float]],
    top_n: int = 10,
    *,
    explain: bool = True,
    batch_customers: int = 5_000,
) -> dict[tuple[Hashable, float], pd.DataFrame]:
    """recommend with each popularity (by name) and each of its shares, sharing the work that
    depends on neither: one list per (name, share)."""
    orders = {name: _PopularityOrder(item_scores, counts) for name, counts in popularities.items()}
    picks: dict[tuple, list[pd.DataFrame]] = {
        (name, share): [] for name in popularities for share in shares[name]
    }
    # Customers are ranked in batches of dense score rows of at most DENSE_CELLS cells.
    width = len(item_scores.products)
    batch = max(1, min(batch_customers, DENSE_CELLS // max(width, 1)))
    # One dense block, zero between batches: each batch writes its entries and clears them after
    # (a new block per batch costs its allocation and the zeroing of every cell).
    dense = np.zeros((min(batch, len(item_scores.customers)), width))
    dense_cells = dense.reshape(-1)  # a view of the contiguous block: writes to it land in dense
    for start in range(0, len(item_scores.customers), batch):
        rows = slice(start, start + batch)
        # A product of CSR matrices (score_items) holds each cell once, so no sum_duplicates:
        # its sort of every row's indices cost a sixth of the ranking.
        sparse = item_scores.scores[rows]
        scores = dense[: sparse.shape[0]]
        score_cells = _cells(sparse)
        dense_cells[score_cells] = sparse.data
        # Only products not bought count (every score is positive: the weights scored are).
        dense_cells[_cells(item_scores.decayed[rows])] = 0.0
        item_columns = _top_columns_per_row(scores, sparse, CANDIDATES)
        for name, order in orders.items():
            candidates = _Candidates(scores, item_columns, order, rows)
            for share in shares[name]:
                chosen = candidates.top(share, top_n)
                picks[(name, share)].append(chosen.assign(row=chosen["row"] + start))
        dense_cells[score_cells] = 0.0
    return {
        (name, share): _as_recommendations(
            item_scores, orders[name].by_popularity, batches, explain=explain
        )
        for (name, share), batches in picks.items()
    }


def _as_recommendations(
    item_scores: ItemScores,
    by_popularity: np.ndarray,
    batches: list[pd.DataFrame],
    *,
    explain: bool,
) -> pd.DataFrame:
    picked = pd.concat(batches, ignore_index=True) if batches else _Candidates.empty()
    item_part = picked["item_part"].to_numpy(dtype=float)
    from_items = (item_part > 0) & (item_part >= picked["popular_part"].to_numpy(dtype=float))
    rows = picked["row"].to_numpy(dtype=np.int64)
    columns = by_popularity[picked["column"].to_numpy(dtype=np.int64)]
    products = item_scores.products.to_numpy()
    because = np.full(len(picked), None, dtype=object)
    if explain and from_items.any():
        because[from_items] = products[
            _because_you_bought(
                item_scores.decayed,
                item_scores.predictors,
                rows[from_items],
                columns[from_items],
            )
        ]
    return pd.DataFrame(
        {
            "customer_id": np.asarray(item_scores.customers)[rows],
            "rank": picked["rank"].to_numpy(dtype=np.int64),
            "product_key": products[columns],
            "score": picked["score"].to_numpy(dtype=float),
            "reason": np.where(from_items, BOUGHT_WITH, POPULAR_NOW).astype(object),
            "because_you_bought": because,
        }
    )


class _PopularityOrder:
    """Products in popularity order (then the smaller key): a smaller position is the more
    popular product, so "first not bought" and ties both follow popularity. by_popularity maps
    a position to a product index, place a product index to its position."""

    def __init__(self, item_scores: ItemScores, popularity: pd.Series):
        counts = popularity.reindex(item_scores.products, fill_value=0).to_numpy(dtype=float)
        self.by_popularity = np.lexsort((np.arange(len(counts)), -counts))
        self.place = np.empty(len(counts), dtype=np.int64)
        self.place[self.by_popularity] = np.arange(len(counts))
        top = counts.max(initial=0.0)
        self.popular_part = counts[self.by_popularity] / top if top > 0 else counts * 0
        decayed = item_scores.decayed
        self.bought = sp.csr_matrix(
            (decayed.data.copy(), self.place[decayed.indices], decayed.indptr.copy()),
            shape=decayed.shape,
        )
        self.bought.sort_indices()


class _Candidates:
    """A batch of customers' candidates, as positions in popularity order: their CANDIDATES
    highest item scores (item_columns, product indices) and CANDIDATES most popular products
    not bought, each once, with both parts of the score scaled to [0, 1]. scores: the batch's
    item scores, zero where bought or not positive."""

    def __init__(
        self, scores: np.ndarray, item_columns: np.ndarray, order: _PopularityOrder, rows: slice
    ):
        n_rows, width = scores.shape
        popular_columns = first_columns_not_taken(
            order.bought[rows], np.full(n_rows, min(CANDIDATES, width)), width
        )
        missing = np.iinfo(np.int64).max
        columns = np.concatenate(
            [
                np.where(item_columns < 0, missing, order.place[np.maximum(item_columns, 0)]),
                np.where(popular_columns < 0, missing, popular_columns),
            ],
            axis=1,
        )
        columns = np.sort(columns, axis=1)
        columns[:, 1:][columns[:, 1:] == columns[:, :-1]] = missing
        columns = np.sort(columns, axis=1)
        self.valid = columns != missing
        self.columns = np.where(self.valid, columns, 0)
        item_score = np.where(
            self.valid,
            np.take_along_axis(scores, order.by_popularity[self.columns], axis=1),
            0.0,
        )
        # A row's largest score is among its highest item scores.
        highest = np.take_along_axis(scores, np.maximum(item_columns, 0), axis=1)
        largest = np.where(item_columns >= 0, highest, 0.0).max(axis=1, initial=0.0)[:, None]
        self.item = np.divide(item_score, largest, out=np.zeros_like(item_score), where=largest > 0)
        self.popular = order.popular_part[self.columns]

    def top(self, popularity_share: float, top_n: int) -> pd.DataFrame:
        """The top_n candidates per row by the blended score: row, column, rank, score and its
        two weighted parts."""
        item_part = (1 - popularity_share) * self.item
        popular_part = popularity_share * self.popular
        total = np.where(self.valid, item_part + popular_part, -np.inf)
        # Stable: equal scores keep popularity order.
        order = np.argsort(-total, axis=1, kind="stable")[:, :top_n]
        kept = np.take_along_axis(self.valid, order, axis=1)
        rows, place = np.nonzero(kept)
        chosen = order[rows, place]
        return pd.DataFrame(
            {
                "row": rows,
                "column": self.columns[rows, chosen],
                "rank": place + 1,
                "score": total[rows, chosen],
                "item_part": item_part[rows, chosen],
                "popular_part": popular_part[rows, chosen],
            }
        )

    @staticmethod
    def empty() -> pd.DataFrame:
        return pd.DataFrame(
            {
                "row": np.array([], dtype=np.int64),
                "column": np.array([], dtype=np.int64),
                "rank": np.array([], dtype=np.int64),
                "score": np.array([], dtype=float),
                "item_part": np.array([], dtype=float),
                "popular_part": np.array([], dtype=float),
            }
        )


def _cells(entries: sp.csr_matrix) -> np.ndarray:
    """The flat positions of a CSR matrix's entries in a C-ordered dense array of its width (or
    in the first rows of a taller one): numpy gathers and scatters by one flat index array about
    three times as fast as by a pair of row and column arrays."""
    entry_rows = np.repeat(np.arange(entries.shape[0]), np.diff(entries.indptr))
    return entry_rows * entries.shape[1] + entries.indices


def _top_columns_per_row(scores: np.ndarray, entries: sp.csr_matrix, top: int) -> np.ndarray:
    """Each row's columns of its `top` largest positive scores (rows × top, in no particular
    order, -1 where a row has fewer), looking only at the columns `entries` holds in that row
    (scores is dense, mostly zero).

    Rows of at most `top` entries keep them all; longer rows are ranked by one argpartition per
    group of rows padded to the same power of two (at most twice their entries). Whole-array
    numpy work releases the GIL, so the customers' buckets rank on a thread each, where a Python
    loop per row held it (at 10M lines, two buckets 6.2 s → 5.3 s)."""
    n_rows = scores.shape[0]
    picked = np.full((n_rows, top), -1, dtype=np.int64)
    lengths = np.diff(entries.indptr)
    entry_rows = np.repeat(np.arange(n_rows), lengths)
    places = np.arange(entries.nnz) - entries.indptr[entry_rows]
    values = scores.reshape(-1)[_cells(entries)]
    columns = entries.indices.astype(np.int64)
    kept = (lengths[entry_rows] <= top) & (values > 0)
    picked.reshape(-1)[entry_rows[kept] * top + places[kept]] = columns[kept]
    long_rows = np.flatnonzero(lengths > top)
    widths = 2 ** np.ceil(np.log2(lengths[long_rows])).astype(np.int64)
    for width in np.unique(widths):
        rows = long_rows[widths == width]
        slot = np.full(n_rows, -1)
        slot[rows] = np.arange(len(rows))
        inside = slot[entry_rows] >= 0
        at = slot[entry_rows[inside]] * width + places[inside]
        padded_values = np.full((len(rows), width), -np.inf)
        padded_values.reshape(-1)[at] = values[inside]
        padded_columns = np.zeros((len(rows), width), dtype=np.int64)
        padded_columns.reshape(-1)[at] = columns[inside]
        best = np.argpartition(padded_values, width - top, axis=1)[:, width - top :]
        picked[rows] = np.where(
            np.take_along_axis(padded_values, best, axis=1) > 0,
            np.take_along_axis(padded_columns, best, axis=1),
            -1,
        )
    return picked


def first_columns_not_taken(taken: sp.csr_matrix, wanted: np.ndarray, width: int) -> np.ndarray:
    """For each row, its first wanted[row] columns (of 0..width-1) without an entry in `taken`
    (rows × wanted.max(), -1 padded)."""
    n_rows = taken.shape[0]
    most = int(wanted.max(initial=0))
    out = np.full((n_rows, most), -1, dtype=np.int64)
    if most == 0 or width == 0:
        return out
    sizes = np.diff(taken.indptr)
    entry_rows = np.repeat(np.arange(n_rows), sizes)
    # Look at the first `span` columns, widened until every row has enough not taken.
    span = min(width, most)
    while True:
        available = np.ones((n_rows, span), dtype=bool)
        inside = taken.indices < span
        available[entry_rows[inside], taken.indices[inside]] = False
        if span == width or (available.sum(axis=1) >= wanted).all():
            break
        span = min(width, 2 * span)
    place = np.cumsum(available, axis=1)
    rows, columns = np.nonzero(available & (place <= wanted[:, None]))
    out[rows, place[rows, columns] - 1] = columns
    return out


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


def _because_you_bought(
    decayed: sp.csr_matrix, predictors: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """For each recommendation (customer row, product), the bought product that contributed most:
    argmax over the customer's history h of decay(h) × weight(h → product), ties to the smaller
    product index. predictors is the transposed weight matrix: each recommendation's row there
    lists the products that predict it (~12 per pick, against ~50 in a history), and each is
    looked up in the customer's decayed history (0 when not bought)."""
    history = SortedEntries(decayed)
    chosen = np.zeros(len(rows), dtype=np.int64)
    # In slices of picks: a slice's look-ups (~12 per pick) fit arrays the allocator reuses,
    # where all picks at once make arrays of tens of millions of entries, each touched anew.
    for start in range(0, len(rows), BECAUSE_SLICE):
        part = slice(start, start + BECAUSE_SLICE)
        candidates = predictors[cols[part]]
        if not candidates.has_sorted_indices:
            candidates.sort_indices()
        sizes = np.diff(candidates.indptr)
        pick = np.repeat(np.arange(len(sizes)), sizes)
        contribution = candidates.data * history.at(rows[part][pick], candidates.indices)
        best = np.zeros(len(sizes))
        has_candidates = sizes > 0
        best[has_candidates] = np.maximum.reduceat(
            contribution, candidates.indptr[:-1][has_candidates]
        )
        # Each pick's first best entry: its predictors are in index order, so ties go to the smaller.
        at_best = np.flatnonzero(contribution == best[pick])
        picks, first = np.unique(pick[at_best], return_index=True)
        chosen[start + picks] = candidates.indices[at_best[first]]
    return chosen
