"""Segmentation through `dbt build`: planted archetypes recovered, SQL and Python agree, vars work."""

from __future__ import annotations

import csv
from datetime import datetime

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from shopper_spectrum.generator import EXPECTED_SEGMENT, truth_dir
from shopper_spectrum.segmentation.naming import SEGMENT_NAMES

from .conftest import SAMPLE_EXPORT, assert_built, run_dbt


def planted_archetypes() -> dict[str, str]:
    with (truth_dir(SAMPLE_EXPORT) / "customers.csv").open() as handle:
        return {row["customer_id"]: row["archetype"] for row in csv.DictReader(handle)}


def test_segments_recover_the_planted_archetypes(sample_build):
    planted = planted_archetypes()
    assigned = dict(
        sample_build.query(
            "select customer_id, segment from customer_segments where segment is not null"
        )
    )
    customers = sorted(c for c in assigned if planted[c] in EXPECTED_SEGMENT)
    truth = [planted[c] for c in customers]
    found = [assigned[c] for c in customers]
    assert adjusted_rand_score(truth, found) >= 0.8
    for archetype, expected in EXPECTED_SEGMENT.items():
        names = [assigned[c] for c in customers if planted[c] == archetype]
        assert max(set(names), key=names.count) == expected, archetype


def test_every_customer_gets_the_nearest_centroid_of_the_model(sample_build):
    """customer_segments against the nearest centroid computed here with NumPy from the stored
    scaler and centroids; predict_segment gives every customer the same segment."""
    model = sample_build.frame("select * from segment_model order by cluster_id")
    customers = sample_build.frame(
        "select customer_id, recency_days, frequency, monetary, segment from customer_segments"
        " where segment_status = 'segmented'"
    )
    assert len(customers) > 500
    names = ("recency", "frequency", "monetary")
    mean = model[[f"log_mean_{n}" for n in names]].to_numpy()[0]
    scale = model[[f"log_scale_{n}" for n in names]].to_numpy()[0]
    centers = model[[f"center_{n}" for n in names]].to_numpy()
    points = np.log1p(customers[["recency_days", "frequency", "monetary"]].to_numpy(float)) - mean
    squared = (((points / scale)[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    expected = model["segment"].to_numpy()[squared.argmin(axis=1)]
    assert (customers["segment"].to_numpy() == expected).all()
    assert sample_build.predict_segment_disagreements() == 0


def test_predict_segment_answers_any_triple(sample_build):
    best, lapsed, none = sample_build.query(
        "select predict_segment(2, 40, 50000.0), predict_segment(330, 4, 600), predict_segment(5, 0, 0)"
    )[0]
    assert (best, lapsed, none) == ("High Value Customer", "High Risk Customer", None)


def test_profiles_cover_every_segment_with_shares_and_explanations(sample_build):
    rows = sample_build.query(
        "select segment, customers, customer_share, revenue_share, explanation from segment_profiles"
    )
    assert sorted(r[0] for r in rows) == sorted(SEGMENT_NAMES)
    assert sum(r[2] for r in rows) == pytest.approx(1.0)
    assert sum(r[3] for r in rows) == pytest.approx(1.0)
    assert all(len(r[4]) > 40 for r in rows)
    segmented = sample_build.scalar(
        "select count(*) from customer_segments where segment is not null"
    )
    assert sum(r[1] for r in rows) == segmented


def test_k_diagnostics_cover_two_to_eight_and_favour_the_planted_four(sample_build):
    rows = dict(sample_build.query("select k, silhouette from segment_k_diagnostics"))
    assert sorted(rows) == list(range(2, 9))
    assert max(rows, key=rows.get) == 4


def test_as_of_date_and_k_vars_rebuild_a_past_snapshot(tmp_path, sample_build):
    build = assert_built(run_dbt(tmp_path, extra_vars={"as_of_date": "2011-06-01", "segment_k": 6}))
    assert build.scalar("select max(invoiced_at) from fct_sales_lines") < datetime(2011, 6, 1)
    assert (
        build.scalar("select distinct as_of_date from fct_customer_rfm").isoformat() == "2011-06-01"
    )
    after = build.scalar(
        "select lines from audit_source_rows where disposition = 'after_as_of_date'"
    )
    assert after > 1_000
    assert build.scalar("select sum(lines) from audit_source_rows") == sample_build.scalar(
        "select sum(lines) from audit_source_rows"
    )
    names = [r[0] for r in build.query("select segment from segment_model")]
    assert len(names) == len(set(names)) == 6
    assert build.predict_segment_disagreements() == 0
