import pandas as pd
import streamlit as st
from state import RANKED_PRODUCT_COLUMNS, csv_download, current_build, money

build = current_build()

st.title("Customer")
customer_id = st.text_input(
    "Customer id", key="customer", bind="query-params", placeholder="e.g. 12347", max_chars=40
).strip()
if not customer_id:
    st.info(
        "Enter a customer id, or open a customer from a list on the Segmentation or Segment "
        "movement page."
    )
    st.stop()
customer = build.customer(customer_id)
if customer is None:
    st.error(f"No customer with id {customer_id} in this build.")
    st.stop()

segment = customer["segment"]
st.header(f"{segment or 'Not segmented'}")
if segment:
    st.markdown(build.segment_profile(segment)["explanation"])
cols = st.columns(4)
cols[0].metric(
    "Days since last purchase",
    "—" if pd.isna(customer["recency_days"]) else f"{customer['recency_days']:,.0f}",
)
cols[1].metric("Orders", f"{customer['frequency']:,}")
cols[2].metric("Net spend", money(customer["monetary"]))
cols[3].metric("Spend in the last 90 days", money(customer["revenue_previous_90_days"]))
if customer["customer_status"] == "active":
    st.markdown(
        f"Classic RFM: **{customer['rfm_segment']}** (scores R {customer['r_score']}, "
        f"F {customer['f_score']}, M {customer['m_score']} out of 5)."
    )
else:
    st.info(
        "Net spend is zero or negative (cancellations cancel the purchases), so no segment is given."
    )

st.subheader("Segment month by month")
st.caption(
    "Each month's recency, orders and spend, segmented with today's model, so a change of "
    "segment is a change in the customer."
)
history = build.customer_history(customer_id)
st.dataframe(
    history.sort_values("as_of_date", ascending=False),
    hide_index=True,
    width="stretch",
    column_config={
        "as_of_date": st.column_config.DateColumn("As of", format="D MMM YYYY"),
        "segment": "Segment",
        "rfm_segment": "Classic RFM",
        "recency_days": st.column_config.NumberColumn("Days since last purchase", format="%d"),
        "frequency": st.column_config.NumberColumn("Orders", format="%d"),
        "monetary": st.column_config.NumberColumn("Net spend (£)", format="%.0f"),
        "revenue_previous_90_days": st.column_config.NumberColumn(
            "Spend, previous 90 days (£)", format="%.0f"
        ),
    },
)

st.subheader("Recommended next")
recommendations = build.customer_recommendations(customer_id)
if recommendations.empty:
    st.caption("No recommendations for this customer.")
else:
    shown = recommendations[["rank", "description", "product_code", "because_description", "score"]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            **RANKED_PRODUCT_COLUMNS,
            "because_description": st.column_config.TextColumn(
                "Why", help="The product they bought that points to it, or popular now"
            ),
            "score": st.column_config.NumberColumn("Score", format="%.3f"),
        },
    )
    csv_download(
        shown.assign(customer_id=customer_id),
        f"recommendations-{customer_id}.csv",
        "Download these recommendations",
        key="download_customer_recommendations",
    )
