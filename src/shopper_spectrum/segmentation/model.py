"""Fit log-scaled RFM with KMeans, and assign customers to the nearest centroid.

Assignment is an explicit nearest-centroid computation in scaled log space, the same arithmetic
as the `predict_segment` SQL macro, so SQL and Python agree on every customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from shopper_spectrum.segmentation.naming import name_clusters

FEATURES = ("recency_days", "frequency", "monetary")
SEGMENTED = "segmented"
NO_NET_SPEND = "no_net_spend"
TOO_FEW_CUSTOMERS = "too_few_customers"


@dataclass(frozen=True)
class SegmentModel:
    """Scaler and centroids: all that assigning a segment needs (stored as a table, not a pickle)."""

    mean: np.ndarray  # per feature, of log(1 + x)
    scale: np.ndarray  # per feature, of log(1 + x)
    centers: np.ndarray  # (k, 3) in scaled log space
    names: tuple[str, ...]  # per cluster id
    customers_fitted: int
    inertia: float

    @property
    def centroids(self) -> np.ndarray:
        """Centroids in original units: recency days, invoices, net spend."""
        return np.expm1(self.centers * self.scale + self.mean)

    def scaled(self, rfm: np.ndarray) -> np.ndarray:
        return (np.log(1 + np.asarray(rfm, dtype=float)) - self.mean) / self.scale

    def nearest(self, rfm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cluster id and Euclidean distance (scaled space) of the nearest centroid, per row."""
        points = self.scaled(rfm)
        squared = ((points[:, None, :] - self.centers[None, :, :]) ** 2).sum(axis=2)
        cluster = squared.argmin(axis=1)
        return cluster, np.sqrt(squared[np.arange(len(points)), cluster])


def fittable(rfm: pd.DataFrame) -> pd.Series:
    """Customers the model is fitted on and assigns: at least one purchase, net spend > 0."""
    return (rfm["frequency"] > 0) & (rfm["monetary"].astype(float) > 0)


def fittable_customers(rfm: pd.DataFrame) -> pd.DataFrame:
    """The fittable customers in customer_id order: KMeans's seeding depends on row order, and
    each engine (DuckDB, Spark) hands rows over in its own order."""
    return rfm[fittable(rfm)].sort_values("customer_id", kind="stable")


def features(rfm: pd.DataFrame) -> np.ndarray:
    return rfm[list(FEATURES)].astype(float).to_numpy()


def fit_segment_model(
    rfm: pd.DataFrame, k: int = 4, random_state: int = 42, n_init: int = 10
) -> SegmentModel:
    """log1p → StandardScaler → KMeans on the fittable customers; clusters named from centroids."""
    values = features(fittable_customers(rfm))
    if len(values) < k:
        raise ValueError(
            f"{len(values)} customers with net spend > 0 are too few for k={k} segments"
        )
    scaler = StandardScaler().fit(np.log(1 + values))
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    points = (np.log(1 + values) - scaler.mean_) / scale
    kmeans = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(points)
    centers = kmeans.cluster_centers_
    names = name_clusters(np.expm1(centers * scale + scaler.mean_))
    return SegmentModel(
        mean=scaler.mean_,
        scale=scale,
        centers=centers,
        names=tuple(names),
        customers_fitted=len(values),
        inertia=float(kmeans.inertia_),
    )


def assign_segments(rfm: pd.DataFrame, model: SegmentModel | None) -> pd.DataFrame:
    """Every customer with a segment (or a status saying why not), cluster id and distance.

    Without a model (fewer customers than segments) nobody is segmented: status too_few_customers.
    """
    can_segment = fittable(rfm).to_numpy()
    mask = can_segment & (model is not None)
    cluster = np.full(len(rfm), -1)
    distance = np.full(len(rfm), np.nan)
    if mask.any():
        cluster[mask], distance[mask] = model.nearest(features(rfm[mask]))
    names = np.array(model.names if model is not None else ["", ""], dtype=object)
    status = np.where(mask, SEGMENTED, np.where(can_segment, TOO_FEW_CUSTOMERS, NO_NET_SPEND))
    return pd.DataFrame(
        {
            "customer_id": rfm["customer_id"].to_numpy(),
            "recency_days": rfm["recency_days"].to_numpy(),
            "frequency": rfm["frequency"].to_numpy(),
            "monetary": rfm["monetary"].astype(float).to_numpy(),
            "segment_status": status,
            "cluster_id": pd.array(np.where(mask, cluster, None), dtype="Int64"),
            "segment": np.where(mask, names[np.maximum(cluster, 0)], None),
            "distance_to_centroid": np.where(mask, distance, np.nan),
        }
    )


def fit_model_table(rfm: pd.DataFrame, k: int, random_state: int, n_init: int) -> pd.DataFrame:
    """The segment_model table: the fitted model, or no rows when too few customers can be fitted."""
    if int(fittable(rfm).sum()) < max(k, 2):
        empty = SegmentModel(np.zeros(3), np.ones(3), np.zeros((0, 3)), (), 0, 0.0)
        return model_table(empty, k=k, random_state=random_state, n_init=n_init)
    fitted = fit_segment_model(rfm, k=k, random_state=random_state, n_init=n_init)
    return model_table(fitted, k=k, random_state=random_state, n_init=n_init)


def model_table(model: SegmentModel, k: int, random_state: int, n_init: int) -> pd.DataFrame:
    """The fitted model as rows (one per cluster): what predict_segment and the viewer read."""
    centroids = model.centroids
    rows = {
        "cluster_id": np.arange(len(model.names)),
        "segment": pd.array(list(model.names), dtype="string"),
        "centroid_recency_days": centroids[:, 0],
        "centroid_frequency": centroids[:, 1],
        "centroid_monetary": centroids[:, 2],
        "center_recency": model.centers[:, 0],
        "center_frequency": model.centers[:, 1],
        "center_monetary": model.centers[:, 2],
    }
    for index, feature in enumerate(("recency", "frequency", "monetary")):
        rows[f"log_mean_{feature}"] = model.mean[index]
        rows[f"log_scale_{feature}"] = model.scale[index]
    rows.update(
        k=k,
        random_state=random_state,
        n_init=n_init,
        customers_fitted=model.customers_fitted,
        inertia=model.inertia,
    )
    return pd.DataFrame(rows)


def model_from_table(table: pd.DataFrame) -> SegmentModel | None:
    """The inverse of model_table: rebuild the model from its stored rows (None when it has none)."""
    if table.empty:
        return None
    table = table.sort_values("cluster_id")
    names = ("recency", "frequency", "monetary")
    return SegmentModel(
        mean=np.array([table[f"log_mean_{n}"].iloc[0] for n in names], dtype=float),
        scale=np.array([table[f"log_scale_{n}"].iloc[0] for n in names], dtype=float),
        centers=table[[f"center_{n}" for n in names]].to_numpy(dtype=float),
        names=tuple(table["segment"]),
        customers_fitted=int(table["customers_fitted"].iloc[0]),
        inertia=float(table["inertia"].iloc[0]),
    )
