"""Sparse entries looked up in batches, against the dense matrix's own indexing."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shopper_spectrum.recommend.sorted_entries import SortedEntries


@pytest.mark.parametrize("sort_first", [False, True])
@pytest.mark.parametrize("indices_sorted", [True, False])
def test_entries_equal_the_dense_matrix_at_every_look_up(sort_first, indices_sorted):
    rng = np.random.default_rng(7)
    dense = np.where(rng.random((30, 40)) < 0.2, rng.integers(1, 9, (30, 40)), 0).astype(float)
    matrix = sp.csr_matrix(dense)
    if not indices_sorted:
        # each row's entries reversed, as a transposed or summed matrix may hold them
        rows_of = [
            slice(start, end)
            for start, end in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
        ]
        indices = np.concatenate([matrix.indices[row][::-1] for row in rows_of])
        data = np.concatenate([matrix.data[row][::-1] for row in rows_of])
        matrix = sp.csr_matrix((data, indices, matrix.indptr), shape=dense.shape)
        assert not matrix.has_sorted_indices
    rows, columns = rng.integers(0, 30, 5_000), rng.integers(0, 40, 5_000)
    found = SortedEntries(matrix).at(rows, columns, sort_first=sort_first)
    np.testing.assert_array_equal(found, dense[rows, columns])


def test_entries_past_the_last_key_and_of_an_empty_matrix_read_zero():
    matrix = sp.csr_matrix(([5.0, 7.0], ([0, 1], [1, 0])), shape=(3, 3))
    found = SortedEntries(matrix).at(np.array([0, 1, 2, 2]), np.array([1, 0, 2, 0]))
    np.testing.assert_array_equal(found, [5.0, 7.0, 0.0, 0.0])
    empty = SortedEntries(sp.csr_matrix((3, 3)))
    np.testing.assert_array_equal(empty.at(np.array([0, 2]), np.array([1, 2])), [0.0, 0.0])
