"""How well KMeans separates customers for each k: inertia and (sampled) silhouette."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_score

from shopper_spectrum.segmentation.model import (
    features,
    fit_kmeans,
    fittable_customers,
    log_scaling,
)


def k_diagnostics(
    rfm: pd.DataFrame,
    *,
    k_values: range = range(2, 9),
    sample_size: int = 5_000,
    silhouette_sample_size: int = 2_000,
    random_state: int = 42,
    n_init: int = 2,
) -> pd.DataFrame:
    """Inertia per k on a random sample of fittable customers (all if fewer), silhouette on a
    smaller sample of those: silhouette costs the square of the points."""
    values = features(fittable_customers(rfm))
    columns = ["k", "inertia", "silhouette", "customers_sampled"]
    if len(values) < 3:  # no k from 2 up leaves a point to spare: nothing to diagnose
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).astype({"k": "int64"})
    rng = np.random.default_rng(random_state)
    if len(values) > sample_size:
        values = values[rng.choice(len(values), sample_size, replace=False)]
    points = log_scaling().fit_transform(values)
    rows = []
    for k in k_values:
        if k >= len(points):
            break
        kmeans = fit_kmeans(points, k, n_init=n_init, random_state=random_state)
        rows.append(
            {
                "k": k,
                "inertia": float(kmeans.inertia_),
                "silhouette": float(
                    silhouette_score(
                        points,
                        kmeans.labels_,
                        random_state=random_state,
                        sample_size=min(silhouette_sample_size, len(points)),
                    )
                ),
                "customers_sampled": len(points),
            }
        )
    return pd.DataFrame(rows, columns=columns)
