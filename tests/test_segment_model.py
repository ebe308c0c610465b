"""Fitting and assigning segments on the sample build's RFM: stable across seeds and id orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shopper_spectrum.segmentation.model import (
    NO_NET_SPEND,
    TOO_FEW_CUSTOMERS,
    SegmentModel,
    assign_segments,
    fit_model_table,
    fit_segment_model,
    model_from_table,
    model_table,
)


@pytest.fixture(scope="module")
def rfm(sample_build) -> pd.DataFrame:
    with_columns = sample_build.query(
        "select customer_id, recency_days, frequency, monetary from fct_customer_rfm order by customer_id"
    )
    return pd.DataFrame(
        with_columns, columns=["customer_id", "recency_days", "frequency", "monetary"]
    )


def test_changing_random_state_never_changes_a_customers_segment(rfm):
    baseline = assign_segments(rfm, fit_segment_model(rfm, random_state=42))["segment"]
    for random_state in (0, 1, 7, 2024):
        other = assign_segments(rfm, fit_segment_model(rfm, random_state=random_state))["segment"]
        pd.testing.assert_series_equal(other, baseline)


def test_the_fitted_model_does_not_depend_on_the_order_rows_arrive_in(rfm):
    # DuckDB and Spark hand a model's rows over in different orders.
    shuffled = rfm.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(
        fit_model_table(shuffled, k=4, random_state=42, n_init=10),
        fit_model_table(rfm, k=4, random_state=42, n_init=10),
    )


def test_permuting_cluster_ids_never_changes_a_customers_segment(rfm):
    model = fit_segment_model(rfm)
    order = np.array([2, 0, 3, 1])
    permuted = SegmentModel(
        mean=model.mean,
        scale=model.scale,
        centers=model.centers[order],
        names=tuple(np.array(model.names)[order]),
        customers_fitted=model.customers_fitted,
        inertia=model.inertia,
    )
    before, after = assign_segments(rfm, model), assign_segments(rfm, permuted)
    pd.testing.assert_series_equal(before["segment"], after["segment"])
    assert not before["cluster_id"].equals(after["cluster_id"])


def test_customers_without_net_spend_are_kept_with_a_status():
    rfm = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(12)],
            "recency_days": [1, 5, 9, 30, 60, 90, 200, 250, 300, 20, 40, 10],
            "frequency": [30, 20, 10, 5, 2, 1, 3, 2, 1, 4, 0, 1],
            "monetary": [9e3, 5e3, 2e3, 800, 90, 40, 500, 300, 50, 600, -10.0, 0.0],
        }
    )
    assigned = assign_segments(rfm, fit_segment_model(rfm, k=3, n_init=3))
    excluded = assigned[assigned["segment_status"] == NO_NET_SPEND]
    assert list(excluded["customer_id"]) == ["c10", "c11"]
    assert excluded["segment"].isna().all()
    assert assigned["segment"].notna().sum() == 10


def test_the_model_survives_its_table_form(rfm):
    model = fit_segment_model(rfm)
    restored = model_from_table(model_table(model, k=4, random_state=42, n_init=10))
    pd.testing.assert_frame_equal(assign_segments(rfm, model), assign_segments(rfm, restored))


def test_too_few_customers_gives_an_empty_model_and_a_status_not_a_failure():
    rfm = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "recency_days": [1, 9],
            "frequency": [1, 0],
            "monetary": [5.0, 0.0],
        }
    )
    table = fit_model_table(rfm, k=4, random_state=42, n_init=10)
    assert table.empty
    assert str(table["segment"].dtype) == "string"
    assert model_from_table(table) is None
    assigned = assign_segments(rfm, None)
    assert assigned["segment_status"].tolist() == [TOO_FEW_CUSTOMERS, NO_NET_SPEND]
    assert assigned["segment"].isna().all()


def test_too_few_customers_is_a_clear_error():
    rfm = pd.DataFrame(
        {"customer_id": ["a"], "recency_days": [1], "frequency": [1], "monetary": [5.0]}
    )
    with pytest.raises(ValueError, match="too few for k=4"):
        fit_segment_model(rfm)
