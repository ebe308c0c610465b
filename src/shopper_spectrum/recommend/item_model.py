"""The learned item-to-item model: EASE restricted to each product's neighbourhood.

The Gram matrix G of units × products (a unit is a basket, or a customer) holds on its diagonal
each product's count of units and off it the units two products share; SQL counts it
(int_product_pairs). For each product j,
with N its K most co-occurring products (int_item_neighbours), the weights ridge-regress j's
column on N's columns:

    w = (G[N, N] + λ I)⁻¹ G[N, j]

This is EASE (Steck, WWW 2019) with each column's regression restricted to a neighbourhood, as
fsSLIM (Ning & Karypis 2012) restricts SLIM: with N every other product it is exactly EASE's
closed form, and its cost grows with products × K³, not with lines or customers. λ is
`l2_multiple` times the mean diagonal (a product's average count), so one setting suits a month
of data and ten years alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from shopper_spectrum.recommend.sorted_entries import SortedEntries

# Targets solved per batch: a batch's blocks take batch × K × K × 8 bytes (10 MB at K = 50).
BATCH_TARGETS = 512


def fit_item_model(
    gram: pd.DataFrame,
    neighbours: pd.DataFrame,
    l2_multiple: float,
    count: str = "co_count",
    mean_count: float | None = None,
) -> pd.DataFrame:
    """Each product's learned weights on its neighbours.

    Products are identified by product_key: non-negative integers (int_product_keys numbers
    them from 1).
    gram: product_key_a, product_key_b and the `count` column — each pair once, and a row with
    product_key_a = product_key_b for each product's own count. Pairs missing from it count as
    never bought together.
    neighbours: product_key, neighbour_key, co_count — each product's neighbourhood.
    Returns product_key (the product predicted), neighbour_key (a product whose purchase
    predicts it) and weight; negative weights are kept (they are part of the solution).
    mean_count: the average product's count, λ's unit (by default, of gram's diagonal; given
    when gram holds only some products' entries, as a bucket of products does on Spark).
    """
    width = int(neighbours.groupby("product_key").size().max()) if len(neighbours) else 0
    setting = (width, l2_multiple)
    return fit_item_models(gram, neighbours, [setting], count, mean_count)[setting]


def fit_item_models(
    gram: pd.DataFrame,
    neighbours: pd.DataFrame,
    settings: list[tuple[int, float]],
    count: str = "co_count",
    mean_count: float | None = None,
) -> dict[tuple[int, float], pd.DataFrame]:
    """fit_item_model for several (K, l2_multiple) at once, each product's neighbourhood its
    first K neighbours by rank (neighbours' `rank`, else all): the Gram's blocks are looked up
    once, for the largest K, and each setting solves its corner of them."""
    key_a = gram["product_key_a"].to_numpy()
    key_b = gram["product_key_b"].to_numpy()
    on_diagonal = key_a == key_b
    # Products: those with a count of their own and those in a neighbourhood. A pair of other
    # products is never looked up, so it is not indexed.
    products = np.unique(
        np.concatenate(
            [
                key_a[on_diagonal],
                neighbours["product_key"].to_numpy(),
                neighbours["neighbour_key"].to_numpy(),
            ]
        )
    )
    n = len(products)
    index_of = _Positions(products)
    counts = gram[count].to_numpy(dtype=float)
    diagonal = np.zeros(n)
    diagonal[index_of(key_a[on_diagonal])] = counts[on_diagonal]
    pair_counts = _PairCounts(key_a, key_b, counts, products)
    if mean_count is None:
        mean_count = mean_own_count(gram, count)

    targets, members, shared = _neighbourhoods(
        index_of(neighbours["product_key"].to_numpy()),
        index_of(neighbours["neighbour_key"].to_numpy()),
        neighbours["co_count"].to_numpy(dtype=float),
        neighbours["rank"].to_numpy() if "rank" in neighbours else None,
    )
    widths = {k: min(k, members.shape[1]) for k, _ in settings}
    weights = {setting: np.zeros((len(targets), widths[setting[0]])) for setting in settings}
    for start in range(0, len(targets), BATCH_TARGETS):
        batch = slice(start, start + BATCH_TARGETS)
        blocks = _blocks(members[batch], diagonal, pair_counts)
        for k, l2_multiple in settings:
            width = widths[k]
            weights[(k, l2_multiple)][batch] = _solve(
                blocks[:, :width, :width],
                members[batch, :width] >= 0,
                shared[batch, :width],
                l2_multiple * mean_count,
            )
    fitted = {}
    for (k, l2_multiple), solved in weights.items():
        chosen = members[:, : widths[k]]
        valid = chosen >= 0
        fitted[(k, l2_multiple)] = pd.DataFrame(
            {
                "product_key": products[np.repeat(targets, valid.sum(axis=1))],
                "neighbour_key": products[chosen[valid]],
                "weight": solved[valid],
            }
        )
    return fitted


def mean_product_count(diagonal: np.ndarray) -> float:
    """The average count of the products bought at all: λ's unit."""
    bought = diagonal[diagonal > 0]
    return float(bought.mean()) if len(bought) else 1.0


def mean_own_count(gram: pd.DataFrame, count: str = "co_count") -> float:
    """mean_product_count of a Gram's rows (product_key_a, product_key_b, `count`): its diagonal's."""
    own = gram["product_key_a"] == gram["product_key_b"]
    return mean_product_count(gram.loc[own, count].to_numpy(dtype=float))


def labelled_item_model(
    gram: pd.DataFrame,
    neighbours: pd.DataFrame,
    l2_multiple: float,
    codes: pd.Series,
    mean_count: float | None = None,
) -> pd.DataFrame:
    """fit_item_model's weights with each product's code beside its key (codes: by key)."""
    weights = fit_item_model(gram, neighbours, l2_multiple, mean_count=mean_count)
    weights.insert(1, "product_code", codes.reindex(weights["product_key"]).to_numpy())
    weights.insert(3, "neighbour_code", codes.reindex(weights["neighbour_key"]).to_numpy())
    return weights


class _Positions:
    """Each product key's position among `products` (sorted, unique), -1 for any other key.
    Product keys are small non-negative integers (int_product_keys numbers them from 1), so an
    array indexed by key finds them without hashing or searching."""

    def __init__(self, products: np.ndarray):
        size = int(products.max()) + 1 if len(products) else 0
        self.positions = np.full(size + 1, -1, dtype=np.int64)  # the last slot: any other key
        self.positions[products] = np.arange(len(products))

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        outside = (keys < 0) | (keys >= len(self.positions) - 1)
        return self.positions[np.where(outside, len(self.positions) - 1, keys)]


class _PairCounts:
    """Gram entries by product key, looked up by pairs of positions among `products` in either
    order (never a product with itself: a neighbourhood holds distinct products)."""

    def __init__(self, key_a: np.ndarray, key_b: np.ndarray, counts: np.ndarray, products):
        # Kept as the upper triangle, keyed by product key: the Gram's columns are never copied
        # into positions.
        self.products = np.asarray(products, dtype=np.int64)
        largest = max(key_a.max(initial=-1), key_b.max(initial=-1), self.products.max(initial=-1))
        size = int(largest) + 1
        upper = sp.csr_array(
            (counts, (np.minimum(key_a, key_b), np.maximum(key_a, key_b))), shape=(size, size)
        )
        upper.sum_duplicates()
        self.entries = SortedEntries(upper)

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The entries of positions x and y."""
        key_x, key_y = self.products[x], self.products[y]
        # sorted first: a batch's blocks look up millions of pairs spread over the whole Gram,
        # and searches in key order walk its keys once
        return self.entries.at(np.minimum(key_x, key_y), np.maximum(key_x, key_y), sort_first=True)


def _neighbourhoods(
    target: np.ndarray, member: np.ndarray, shared: np.ndarray, rank: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets (sorted) and, per target, its neighbours (by rank, else by index) and their shared
    counts, padded with -1."""
    order = np.lexsort((member if rank is None else rank, target))
    target, member, shared = target[order], member[order], shared[order]
    targets, first, sizes = np.unique(target, return_index=True, return_counts=True)
    width = int(sizes.max()) if len(sizes) else 0
    slot = np.arange(len(target)) - np.repeat(first, sizes)
    row = np.repeat(np.arange(len(targets)), sizes)
    members = np.full((len(targets), width), -1, dtype=np.int64)
    shared_counts = np.zeros((len(targets), width))
    members[row, slot] = member
    shared_counts[row, slot] = shared
    return targets, members, shared_counts


def _blocks(members: np.ndarray, diagonal: np.ndarray, pair_counts: _PairCounts) -> np.ndarray:
    """G[N, N] for a batch of neighbourhoods (padding rows and columns zero)."""
    batch, width = members.shape
    valid = members >= 0
    upper_x, upper_y = np.triu_indices(width, k=1)
    both = valid[:, upper_x] & valid[:, upper_y]
    which, pair = np.nonzero(both)
    values = pair_counts.lookup(members[which, upper_x[pair]], members[which, upper_y[pair]])
    blocks = np.zeros((batch, width, width))
    blocks[which, upper_x[pair], upper_y[pair]] = values
    blocks[which, upper_y[pair], upper_x[pair]] = values
    blocks[:, np.arange(width), np.arange(width)] = np.where(
        valid, diagonal[np.maximum(members, 0)], 0.0
    )
    return blocks


def _solve(blocks: np.ndarray, valid: np.ndarray, shared: np.ndarray, l2: float) -> np.ndarray:
    """(G[N, N] + λI)⁻¹ G[N, j] for a batch of blocks; padding solves to zero."""
    width = blocks.shape[1]
    penalised = blocks.copy()
    penalised[:, np.arange(width), np.arange(width)] += np.where(valid, l2, 1.0)
    return np.linalg.solve(penalised, np.where(valid, shared, 0.0)[..., None])[..., 0]
