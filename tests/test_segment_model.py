"""Fitting the segment model on the sample build's RFM: stable across seeds and row orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info

from shopper_spectrum.segmentation.model import (
    features,
    fit_kmeans,
    fit_model_table,
    fit_segment_model,
    fittable_customers,
)


@pytest.fixture(scope="module")
def rfm(sample_build) -> pd.DataFrame:
    with_columns = sample_build.query(
        "select customer_id, recency_days, frequency, monetary, customer_status"
        " from fct_customer_rfm order by customer_id"
    )
    return pd.DataFrame(
        with_columns,
        columns=["customer_id", "recency_days", "frequency", "monetary", "customer_status"],
    )


def segment_names(model, rfm: pd.DataFrame) -> np.ndarray:
    """Each fittable customer's segment: nearest centroid in scaled log space, written out here."""
    points = (np.log1p(features(fittable_customers(rfm))) - model.mean) / model.scale
    squared = ((points[:, None, :] - model.centers[None, :, :]) ** 2).sum(axis=2)
    return np.array(model.names)[squared.argmin(axis=1)]


def test_changing_random_state_never_changes_a_customers_segment(rfm):
    baseline = segment_names(fit_segment_model(rfm, random_state=42), rfm)
    for random_state in (0, 1, 7, 2024):
        other = segment_names(fit_segment_model(rfm, random_state=random_state), rfm)
        np.testing.assert_array_equal(other, baseline)


def test_the_fitted_model_does_not_depend_on_the_order_rows_arrive_in(rfm):
    # DuckDB and Spark hand a model's rows over in different orders.
    shuffled = rfm.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(
        fit_model_table(shuffled, k=4, random_state=42, n_init=10),
        fit_model_table(rfm, k=4, random_state=42, n_init=10),
    )


def test_customers_without_net_spend_are_left_out_of_the_fit():
    rfm = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(12)],
            "recency_days": [1, 5, 9, 30, 60, 90, 200, 250, 300, 20, 40, 10],
            "frequency": [30, 20, 10, 5, 2, 1, 3, 2, 1, 4, 0, 1],
            "monetary": [9e3, 5e3, 2e3, 800, 90, 40, 500, 300, 50, 600, -10.0, 0.0],
            "customer_status": ["active"] * 10 + ["no_net_spend"] * 2,
        }
    )
    assert fit_segment_model(rfm, k=3, n_init=3).customers_fitted == 10


def test_too_few_customers_gives_an_empty_model_not_a_failure():
    rfm = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "recency_days": [1, 9],
            "frequency": [1, 0],
            "monetary": [5.0, 0.0],
            "customer_status": ["active", "no_net_spend"],
        }
    )
    table = fit_model_table(rfm, k=4, random_state=42, n_init=10)
    assert table.empty
    assert str(table["segment"].dtype) == "string"


def test_too_few_customers_is_a_clear_error():
    rfm = pd.DataFrame(
        {
            "customer_id": ["a"],
            "recency_days": [1],
            "frequency": [1],
            "monetary": [5.0],
            "customer_status": ["active"],
        }
    )
    with pytest.raises(ValueError, match="too few for k=4"):
        fit_segment_model(rfm)


def openmp_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"]


def test_kmeans_on_one_thread_finds_what_sklearns_threaded_fit_finds_and_lifts_the_limit():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(centre, 0.3, size=(500, 3)) for centre in (-2, 0, 2)])
    threads_before = openmp_threads()
    threaded = KMeans(n_clusters=3, n_init=4, random_state=0).fit(points)
    one_thread = fit_kmeans(points, 3, n_init=4, random_state=0)
    np.testing.assert_allclose(one_thread.cluster_centers_, threaded.cluster_centers_, rtol=1e-9)
    np.testing.assert_array_equal(one_thread.labels_, threaded.labels_)
    assert openmp_threads() == threads_before
