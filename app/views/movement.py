import altair as alt
import pandas as pd
import streamlit as st
from state import CUSTOMER_LINK, csv_download, current_build, money, with_customer_links

build = current_build()

st.title("Segment movement")
st.caption(
    "Who changed segment between two dates, and the revenue they brought in the 90 days before: "
    "what is at stake. Every month is segmented with today's model, so a move is a change in the "
    "customer, not in the model."
)

dates = build.snapshot_dates()
dates = dates[dates["customers"] > 0]
if len(dates) < 2:
    st.info("Movement needs customers at two monthly dates at least; this build has fewer.")
    st.stop()

SCHEMES = {"cluster": "Model segments", "rfm": "Classic RFM map"}
scheme = st.segmented_control(
    "Segments",
    list(SCHEMES),
    format_func=SCHEMES.get,
    default="cluster",
    required=True,
    key="scheme",
    bind="query-params",
)
iso_dates = [f"{d:%Y-%m-%d}" for d in dates["as_of_date"]]
months_back = dict(zip(iso_dates, dates["months_back"], strict=True))


def readable(iso_date: str) -> str:
    return f"{pd.Timestamp(iso_date):%-d %b %Y}"


def date_picker(column, label: str, parameter: str, flag: str, fallback: int) -> str:
    """A month-end date, initially the one a deep link names (?from=2011-05-01), else the build's
    default pair's (its `flag` column)."""
    flagged = dates[flag].to_numpy().nonzero()[0]
    initial = int(flagged[0]) if len(flagged) else fallback
    linked = st.query_params.get(parameter)
    if linked in iso_dates:
        initial = iso_dates.index(linked)
    return column.selectbox(
        label,
        iso_dates,
        index=initial,
        format_func=readable,
        key=parameter,
    )


# Dates are linked by hand, not with bind: a bound selectbox would put the shown label in the URL.
left, right = st.columns(2)
from_date = date_picker(left, "From", "from", "is_default_from_date", len(iso_dates) - 2)
to_date = date_picker(right, "To", "to", "is_default_to_date", len(iso_dates) - 1)
st.query_params.update({"from": from_date, "to": to_date})
if months_back[from_date] <= months_back[to_date]:
    st.warning("Choose a From date before the To date.")
    st.stop()

transitions = build.transitions(scheme, months_back[from_date], months_back[to_date])
moves = transitions[transitions["is_move"]]
present = int(transitions["customers"].sum())
cols = st.columns(3)
cols[0].metric("Customers at both dates", f"{present:,}")
cols[1].metric(
    "Changed segment",
    f"{int(moves['customers'].sum()):,}",
    help=f"{moves['customers'].sum() / max(present, 1):.0%} of the customers at both dates",
)
cols[2].metric(
    "Revenue of movers, 90 days before",
    money(moves["revenue_90_days_before_from"].sum()),
    help=f"What the customers who changed segment spent in the 90 days before {from_date}",
)

st.subheader(f"From {readable(from_date)} (rows) to {readable(to_date)} (columns)")
# Segments in the order of their revenue today, customers without a segment last.
ranked = build.segment_profiles()["segment"].tolist()
labels_seen = set(transitions["from_segment"]) | set(transitions["to_segment"])
order = [s for s in ranked if s in labels_seen] + sorted(labels_seen - set(ranked))
base = alt.Chart(transitions, height=alt.Step(44)).encode(
    x=alt.X(
        "to_segment:N",
        title=f"Segment on {readable(to_date)}",
        sort=order,
        # one word a line, so that every column keeps its label
        axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' ')"),
    ),
    y=alt.Y(
        "from_segment:N",
        title=f"Segment on {readable(from_date)}",
        sort=order,
        axis=alt.Axis(labelLimit=200),
    ),
)
heatmap = base.mark_rect().encode(
    color=alt.Color("customers:Q", title="Customers", scale=alt.Scale(scheme="oranges")),
    tooltip=[
        alt.Tooltip("from_segment:N", title="From"),
        alt.Tooltip("to_segment:N", title="To"),
        alt.Tooltip("customers:Q", title="Customers", format=","),
        alt.Tooltip("share_of_from_segment:Q", title="Share of From segment", format=".0%"),
        alt.Tooltip("revenue_90_days_before_from:Q", title="Revenue at stake (£)", format=",.0f"),
    ],
)
labels = base.mark_text(baseline="middle", color="black").encode(
    text=alt.Text("customers:Q", format=",")
)
st.altair_chart(heatmap + labels, width="stretch")

st.subheader("Segment sizes month by month")
sizes = build.segment_sizes(scheme)
st.altair_chart(
    alt.Chart(sizes)
    .mark_line(point=True)
    .encode(
        x=alt.X("as_of_date:T", title=None),
        y=alt.Y("customers:Q", title="Customers"),
        color=alt.Color("segment:N", title="Segment"),
        tooltip=["as_of_date:T", "segment:N", alt.Tooltip("customers:Q", format=",")],
    ),
    width="stretch",
)

st.subheader("Who moved")
if moves.empty:
    st.info("Nobody changed segment between these dates.")
    st.stop()
moves = moves.reset_index(drop=True)
chosen = st.selectbox(
    "Transition (most revenue at stake first)",
    moves.index.tolist(),
    format_func=lambda row: (
        f"{moves.at[row, 'from_segment']} → {moves.at[row, 'to_segment']} · "
        f"{moves.at[row, 'customers']:,} customers · "
        f"{money(moves.at[row, 'revenue_90_days_before_from'])} at stake"
    ),
    key="transition",
)
from_segment, to_segment = moves.at[chosen, "from_segment"], moves.at[chosen, "to_segment"]
customers = build.transition_customers(
    scheme, months_back[from_date], months_back[to_date], from_segment, to_segment
)
st.dataframe(
    with_customer_links(customers),
    hide_index=True,
    width="stretch",
    column_config={
        "customer_id": CUSTOMER_LINK,
        "from_segment": None,
        "to_segment": None,
        "revenue_90_days_before_from": st.column_config.NumberColumn(
            f"Spend, 90 days before {from_date} (£)", format="%.0f"
        ),
        "revenue_90_days_before_to": st.column_config.NumberColumn(
            f"Spend, 90 days before {to_date} (£)", format="%.0f"
        ),
        "recency_days_before": st.column_config.NumberColumn(
            "Days since purchase, then", format="%d"
        ),
        "recency_days_now": st.column_config.NumberColumn("Days since purchase, now", format="%d"),
        "frequency_before": st.column_config.NumberColumn("Orders, then", format="%d"),
        "frequency_now": st.column_config.NumberColumn("Orders, now", format="%d"),
        "monetary_before": st.column_config.NumberColumn("Net spend then (£)", format="%.0f"),
        "monetary_now": st.column_config.NumberColumn("Net spend now (£)", format="%.0f"),
    },
)
csv_download(
    customers,
    f"{from_segment}-to-{to_segment}-{from_date}-{to_date}.csv".lower().replace(" ", "-"),
    "Download these customers",
    key="download_transition_customers",
)
