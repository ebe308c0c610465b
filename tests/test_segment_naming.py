"""Segment names are a pure function of the centroids: meaningful, unique, order-invariant."""

from __future__ import annotations

import numpy as np
import pytest

from shopper_spectrum.segmentation import naming
from shopper_spectrum.segmentation.profiles import explain_segment

# recency days, invoices, net spend
PLANTED_LIKE = np.array(
    [
        [278.0, 5.0, 708.0],  # lapsed
        [7.0, 29.0, 34_529.0],  # recent, frequent, big spenders
        [83.0, 1.0, 47.0],  # one-off buyers
        [23.0, 9.0, 1_610.0],  # steady regulars
    ]
)


def random_centroids(rng: np.random.Generator, k: int) -> np.ndarray:
    return np.column_stack(
        [rng.uniform(1, 365, k), rng.uniform(1, 40, k), np.exp(rng.uniform(3, 11, k))]
    )


def test_four_planted_like_centroids_get_the_four_business_names():
    assert naming.name_clusters(PLANTED_LIKE) == [
        naming.HIGH_RISK,
        naming.HIGH_VALUE,
        naming.OCCASIONAL,
        naming.REGULAR,
    ]


@pytest.mark.parametrize("seed", range(20))
def test_permuting_cluster_ids_permutes_the_names_with_them(seed):
    rng = np.random.default_rng(seed)
    centroids = random_centroids(rng, int(rng.integers(2, 10)))
    names = naming.name_clusters(centroids)
    order = rng.permutation(len(centroids))
    assert naming.name_clusters(centroids[order]) == [names[i] for i in order]


@pytest.mark.parametrize("k", range(2, 11))
def test_names_are_unique_and_meaningful_for_any_k(k):
    rng = np.random.default_rng(k)
    centroids = random_centroids(rng, k)
    names = naming.name_clusters(centroids)
    assert len(set(names)) == k
    bases = [naming.base_segment_name(n) for n in names]
    assert naming.HIGH_VALUE in bases
    assert naming.HIGH_RISK in bases
    # The longest-lapsed cluster is always High Risk.
    assert bases[int(np.argmax(centroids[:, 0]))] == naming.HIGH_RISK
    if k == 4:
        assert sorted(names) == sorted(naming.SEGMENT_NAMES)


def test_a_shared_name_is_qualified_by_value():
    centroids = np.vstack(
        [PLANTED_LIKE, [[30.0, 6.0, 900.0], [60.0, 1.0, 30.0], [300.0, 2.0, 100.0]]]
    )
    names = naming.name_clusters(centroids)
    assert f"{naming.REGULAR} (higher value)" in names
    assert f"{naming.REGULAR} (lower value)" in names
    assert names.count(naming.HIGH_RISK + " (higher value)") == 1


def test_name_clusters_rejects_a_single_cluster():
    with pytest.raises(ValueError, match="at least two centroids"):
        naming.name_clusters(PLANTED_LIKE[:1])


def test_explanations_speak_plainly_with_the_segment_numbers():
    text = explain_segment(naming.HIGH_VALUE + " (lower value)", 7, 29, 34_529.4)
    assert "7 days ago" in text
    assert "29 orders" in text
    assert "£34,529" in text
    assert "1 order," in explain_segment(naming.OCCASIONAL, 80, 1, 47)
