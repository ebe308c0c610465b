"""Entries of a sparse matrix looked up by (row, column), many at a time.

The matrix's entries are keyed row-major (row × width + column). A CSR matrix with sorted
indices already lists them in that order, so the keys come without a sort, and no hash table of
millions of entries is built. Look-ups search the keys; sorted first, a large batch of look-ups
walks the keys in order.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class SortedEntries:
    """matrix[row, column] for batches of (row, column), 0 where the matrix holds no entry."""

    def __init__(self, matrix: sp.csr_matrix | sp.csr_array):
        if not matrix.has_sorted_indices:
            matrix = matrix.sorted_indices()
        self.width = matrix.shape[1]
        self.keys = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
        self.keys *= self.width
        self.keys += matrix.indices
        self.values = np.append(matrix.data.astype(float), 0.0)  # position -1 (not found) reads 0

    def at(self, rows: np.ndarray, columns: np.ndarray, sort_first: bool = False) -> np.ndarray:
        """The entries at (rows[i], columns[i]). sort_first searches the look-ups in key order:
        worth its sort when they are many and scattered over many more keys."""
        wanted = np.asarray(rows, dtype=np.int64) * self.width + columns
        if not len(self.keys):
            return np.zeros(len(wanted))
        if sort_first:
            in_order = np.argsort(wanted)
            positions = np.empty(len(wanted), dtype=np.int64)
            positions[in_order] = np.searchsorted(self.keys, wanted[in_order])
        else:
            positions = np.searchsorted(self.keys, wanted)
        positions = np.minimum(positions, len(self.keys) - 1)
        return self.values[np.where(self.keys[positions] == wanted, positions, -1)]
