"""Segment history: every customer's cluster segment at every monthly snapshot.

Each snapshot's RFM is assigned with the current build's model (the same scaler and centroids as
customer_segments and predict_segment), so a change of segment between two months is a change in
the customer, never in the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopper_spectrum.segmentation.model import NO_NET_SPEND, SegmentModel, assign_segments

SNAPSHOT_COLUMNS = (
    "customer_id",
    "months_back",
    "as_of_date",
    "recency_days",
    "frequency",
    "monetary",
    "revenue_previous_90_days",
    "customer_status",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
)
ASSIGNED_COLUMNS = ("segment_status", "segment", "cluster_id", "distance_to_centroid")
# What lists and transitions call customers without a segment.
NO_NET_SPEND_LABEL = "No net spend"
NOT_SEGMENTED_LABEL = "Not segmented"


def segment_history(snapshots: pd.DataFrame, model: SegmentModel | None) -> pd.DataFrame:
    """The snapshots (int_customer_rfm_snapshots) with each row's segment under `model`."""
    snapshots = snapshots.reset_index(drop=True)
    assigned = assign_segments(snapshots, model)
    history = pd.concat(
        [snapshots[list(SNAPSHOT_COLUMNS)], assigned[list(ASSIGNED_COLUMNS)]], axis=1
    )
    # Every row gets a label, so that transitions and lists account for every customer.
    unsegmented = np.where(
        history["segment_status"] == NO_NET_SPEND, NO_NET_SPEND_LABEL, NOT_SEGMENTED_LABEL
    )
    history["segment_label"] = history["segment"].where(history["segment"].notna(), unsegmented)
    history["rfm_segment_label"] = history["rfm_segment"].fillna(NO_NET_SPEND_LABEL)
    # Back to the warehouse's types: dates as dates, scores as (nullable) integers.
    history["as_of_date"] = pd.to_datetime(history["as_of_date"]).dt.date
    for score in ("r_score", "f_score", "m_score"):
        history[score] = history[score].astype("Int64")
    return history
