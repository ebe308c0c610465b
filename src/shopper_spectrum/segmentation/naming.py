"""Business names for KMeans clusters, derived only from their centroids.

The names depend on centroid values, never on cluster ids, so permuting ids or refitting with
another random_state that finds the same clusters gives every customer the same name.

For k clusters (k >= 2): the round(k/4) clusters (at least one) with the longest recency are High
Risk Customers; of the rest, the round(k/4) with the highest value score (log frequency and log
monetary up, log recency down, each standardised across centroids) are High Value Customers; the
remaining clusters, by value score, split into Regular Customers (upper half) and Occasional
Shoppers. Where a name is given to more than one cluster it gets a qualifier, ordered by value:
"(higher value)" / "(lower value)", or "(tier 1 of 3)" and so on.
"""

from __future__ import annotations

import math

import numpy as np

HIGH_VALUE = "High Value Customer"
REGULAR = "Regular Customer"
OCCASIONAL = "Occasional Shopper"
HIGH_RISK = "High Risk Customer"
SEGMENT_NAMES = (HIGH_VALUE, REGULAR, OCCASIONAL, HIGH_RISK)

RECENCY, FREQUENCY, MONETARY = 0, 1, 2


def name_clusters(centroids: np.ndarray) -> list[str]:
    """Names for centroids given as rows of (recency_days, frequency, monetary) in original units."""
    centroids = np.asarray(centroids, dtype=float)
    k = len(centroids)
    if k < 2 or centroids.shape[1] != 3:
        raise ValueError(
            "name_clusters needs at least two centroids of (recency, frequency, monetary)"
        )
    logged = np.log1p(np.maximum(centroids, 0))
    spread = logged.std(axis=0)
    z = (logged - logged.mean(axis=0)) / np.where(spread > 0, spread, 1)
    value = z[:, FREQUENCY] + z[:, MONETARY] - z[:, RECENCY]

    per_extreme = max(1, round(k / 4))
    # Ties are broken by the centroid values themselves, never by position.
    by_recency = sorted(range(k), key=lambda i: (-logged[i, RECENCY], -value[i], tuple(logged[i])))
    high_risk = by_recency[:per_extreme]
    rest = sorted(
        (i for i in range(k) if i not in high_risk),
        key=lambda i: (-value[i], tuple(logged[i])),
    )
    high_value, rest = rest[:per_extreme], rest[per_extreme:]
    regular_count = math.ceil(len(rest) / 2)
    groups = {
        HIGH_VALUE: high_value,
        REGULAR: rest[:regular_count],
        OCCASIONAL: rest[regular_count:],
        HIGH_RISK: sorted(high_risk, key=lambda i: (-value[i], tuple(logged[i]))),
    }
    names = [""] * k
    for base, members in groups.items():
        for position, cluster in enumerate(members):
            names[cluster] = base + _qualifier(position, len(members))
    return names


def _qualifier(position: int, group_size: int) -> str:
    if group_size == 1:
        return ""
    if group_size == 2:
        return " (higher value)" if position == 0 else " (lower value)"
    return f" (tier {position + 1} of {group_size})"


def base_segment_name(name: str) -> str:
    """The business segment a (possibly qualified) name belongs to."""
    for base in SEGMENT_NAMES:
        if name.startswith(base):
            return base
    raise ValueError(f"not a segment name: {name!r}")
