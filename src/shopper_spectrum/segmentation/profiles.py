"""Per-segment profiles with a one-sentence explanation a stakeholder understands."""

from __future__ import annotations

import pandas as pd

from shopper_spectrum.segmentation.naming import (
    HIGH_RISK,
    HIGH_VALUE,
    OCCASIONAL,
    REGULAR,
    base_segment_name,
)

_EXPLANATIONS = {
    HIGH_VALUE: (
        "Bought recently (typically {r} ago), order often (typically {f}) and spend the most "
        "(typically {m}): your best customers — reward and retain them."
    ),
    REGULAR: (
        "Buy steadily (typically {f}, the last {r} ago) with moderate spend (typically {m}): "
        "loyal regulars to nurture towards high value."
    ),
    OCCASIONAL: (
        "Buy rarely (typically {f}, {m} in all, the last {r} ago): occasional shoppers who need "
        "a reason to come back."
    ),
    HIGH_RISK: (
        "Have not bought for a long time (typically {r}) after {f} worth {m}: at risk of being "
        "lost — win them back before they go."
    ),
}


def explain_segment(
    name: str, median_recency: float, median_frequency: float, median_monetary: float
) -> str:
    return _EXPLANATIONS[base_segment_name(name)].format(
        r=_days(median_recency), f=_orders(median_frequency), m=_money(median_monetary)
    )


def _days(days: float) -> str:
    return "1 day" if round(days) == 1 else f"{round(days):,} days"


def _orders(orders: float) -> str:
    return "1 order" if round(orders) == 1 else f"{round(orders):,} orders"


def _money(amount: float) -> str:
    return f"£{amount:,.0f}"


def profile_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """Size, shares and R/F/M medians and ranges per segment, from customer_segments rows."""
    # summed in customer order: totals do not depend on the rows' order, even in the last bit
    segmented = segments[segments["segment"].notna()].sort_values("customer_id")
    segmented["monetary"] = segmented["monetary"].astype(float)
    total_customers = len(segmented)
    total_revenue = segmented["monetary"].sum()
    grouped = segmented.groupby("segment")
    profile = grouped.agg(
        cluster_id=("cluster_id", "first"),
        customers=("customer_id", "size"),
        revenue=("monetary", "sum"),
        median_recency_days=("recency_days", "median"),
        min_recency_days=("recency_days", "min"),
        max_recency_days=("recency_days", "max"),
        median_frequency=("frequency", "median"),
        min_frequency=("frequency", "min"),
        max_frequency=("frequency", "max"),
        median_monetary=("monetary", "median"),
        min_monetary=("monetary", "min"),
        max_monetary=("monetary", "max"),
    ).reset_index()
    profile["customer_share"] = profile["customers"] / total_customers
    profile["revenue_share"] = profile["revenue"] / total_revenue if total_revenue else 0.0
    profile["base_segment"] = profile["segment"].map(base_segment_name)
    profile["explanation"] = [
        explain_segment(
            row.segment, row.median_recency_days, row.median_frequency, row.median_monetary
        )
        for row in profile.itertuples()
    ]
    columns = [
        "segment",
        "base_segment",
        "cluster_id",
        "customers",
        "customer_share",
        "revenue",
        "revenue_share",
        "median_recency_days",
        "min_recency_days",
        "max_recency_days",
        "median_frequency",
        "min_frequency",
        "max_frequency",
        "median_monetary",
        "min_monetary",
        "max_monetary",
        "explanation",
    ]
    return profile[columns].sort_values("revenue", ascending=False, ignore_index=True)
