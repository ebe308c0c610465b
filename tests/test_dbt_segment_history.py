"""Segment history and transitions: past snapshots as a past build sees them, movers found, sums."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from shopper_spectrum.generator import MOVER_MONTHS_BACK, MOVER_TRANSITIONS, truth_dir

from .conftest import SAMPLE_EXPORT, assert_built, run_dbt

RFM_COLUMNS = [
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "revenue_previous_90_days",
    "customer_status",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
]


def history_at(build, months_back: int) -> pd.DataFrame:
    return build.frame(
        f"select * from fct_customer_segment_history where months_back = {int(months_back)}"
    )


def test_a_past_snapshot_is_what_a_build_as_of_that_date_computes(sample_build, tmp_path):
    """The history's RFM six months back equals fct_customer_rfm of a build as of that date."""
    past_date = sample_build.scalar(
        "select as_of_date from dim_snapshot_dates where months_back = 6"
    )
    past_build = assert_built(run_dbt(tmp_path, extra_vars={"as_of_date": past_date.isoformat()}))
    expected = past_build.frame("select * from fct_customer_rfm")[RFM_COLUMNS]
    snapshot = history_at(sample_build, 6)[RFM_COLUMNS]
    assert len(snapshot) > 300
    pd.testing.assert_frame_equal(
        snapshot.sort_values("customer_id", ignore_index=True),
        expected.sort_values("customer_id", ignore_index=True),
        check_dtype=False,
    )


def test_the_latest_snapshot_is_the_current_rfm_and_segments(sample_build):
    latest = history_at(sample_build, 0).set_index("customer_id").sort_index()
    rfm = sample_build.frame("select * from fct_customer_rfm").set_index("customer_id").sort_index()
    segments = (
        sample_build.frame("select * from customer_segments").set_index("customer_id").sort_index()
    )
    pd.testing.assert_frame_equal(latest[RFM_COLUMNS[1:]], rfm[RFM_COLUMNS[1:]], check_dtype=False)
    pd.testing.assert_series_equal(latest["segment"], segments["segment"], check_dtype=False)


def test_transitions_count_each_customer_present_at_both_dates_once(sample_build):
    """The default pair's transitions, recounted with a pandas crosstab of the two snapshots."""
    earlier, later = history_at(sample_build, 1), history_at(sample_build, 0)
    both = earlier.merge(later, on="customer_id", suffixes=("_from", "_to"))
    for scheme, column in (("cluster", "segment_label"), ("rfm", "rfm_segment_label")):
        expected = both.groupby([f"{column}_from", f"{column}_to"]).agg(
            customers=("customer_id", "size"), revenue=("revenue_previous_90_days_from", "sum")
        )
        shown = sample_build.frame(
            "select from_segment, to_segment, customers, revenue_90_days_before_from as revenue"
            f" from segment_transitions where is_default_pair and segmentation = '{scheme}'"
        ).set_index(["from_segment", "to_segment"])
        shown.index.names = expected.index.names
        pd.testing.assert_frame_equal(shown.sort_index(), expected.sort_index(), check_dtype=False)
        assert shown["customers"].sum() == len(both)


@pytest.mark.parametrize("archetype", MOVER_TRANSITIONS)
def test_planted_movers_land_in_the_expected_transition(sample_build, archetype):
    with (truth_dir(SAMPLE_EXPORT) / "customers.csv").open() as handle:
        movers = [
            row["customer_id"] for row in csv.DictReader(handle) if row["archetype"] == archetype
        ]
    scheme, from_segments, to_segments = MOVER_TRANSITIONS[archetype]
    from_months_back, to_months_back = MOVER_MONTHS_BACK
    column = "segment" if scheme == "cluster" else "rfm_segment"
    moves = sample_build.query(
        f"select earlier.{column}, later.{column}"
        " from fct_customer_segment_history as earlier"
        " inner join fct_customer_segment_history as later using (customer_id)"
        " where earlier.months_back = ? and later.months_back = ?"
        " and list_contains(?, customer_id)",
        [from_months_back, to_months_back, movers],
    )
    assert len(moves) >= 10, archetype
    landed = [pair for pair in moves if pair[0] in from_segments and pair[1] in to_segments]
    assert len(landed) >= 0.8 * len(moves), moves
    # ... and the transitions mart counts them there.
    counted = sample_build.scalar(
        "select sum(customers) from segment_transitions"
        " where segmentation = ? and from_months_back = ? and to_months_back = ?"
        " and list_contains(?, from_segment) and list_contains(?, to_segment)",
        [scheme, from_months_back, to_months_back, sorted(from_segments), sorted(to_segments)],
    )
    assert counted >= len(landed)
