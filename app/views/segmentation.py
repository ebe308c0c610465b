import pandas as pd
import streamlit as st
from state import CUSTOMER_LINK, csv_download, current_build, money, with_customer_links

from shopper_spectrum.viewer.explain import how_orders_were_counted

build = current_build()

st.title("Customer segmentation")
orders = build.orders()
if note := how_orders_were_counted(orders):
    (st.warning if orders["orders_look_indistinct"] else st.info)(note)

st.subheader("Which segment is this customer in?")
st.caption(
    "Enter a customer's recency, frequency and spend; the same model as the build assigns the segment."
)
inputs = st.columns(3)
recency = inputs[0].number_input(
    "Days since last purchase", min_value=0, value=30, step=1, key="recency"
)
frequency = inputs[1].number_input(
    "Number of orders", min_value=0, value=5, step=1, key="frequency"
)
monetary = inputs[2].number_input(
    "Net spend (£)", min_value=0.0, value=1200.0, step=50.0, key="monetary"
)

segment = build.predict_segment(recency, frequency, monetary)
if segment is None:
    st.warning("A customer needs at least one order and a net spend above zero to be segmented.")
else:
    profile = build.segment_profile(segment)
    st.success(f"**{segment}**")
    st.markdown(profile["explanation"])
    comparison = pd.DataFrame(
        {
            "": ["Days since last purchase", "Orders", "Net spend"],
            "This customer": [f"{recency:,}", f"{frequency:,}", money(monetary)],
            f"Typical {segment}": [
                f"{profile['median_recency_days']:,.0f}",
                f"{profile['median_frequency']:,.0f}",
                money(profile["median_monetary"]),
            ],
            "Segment range": [
                f"{profile['min_recency_days']:,.0f} – {profile['max_recency_days']:,.0f}",
                f"{profile['min_frequency']:,.0f} – {profile['max_frequency']:,.0f}",
                f"{money(profile['min_monetary'])} – {money(profile['max_monetary'])}",
            ],
        }
    )
    st.dataframe(comparison, hide_index=True, width="stretch")

st.divider()
st.subheader("Customers in a segment")
profiles = build.segment_profiles()
if profiles.empty:
    st.info("This build has too few customers with purchases to form segments.")
    st.stop()
chosen = st.selectbox("Segment", profiles["segment"].tolist(), key="segment", bind="query-params")
members = build.segment_members(chosen)
st.caption(
    f"{len(members):,} customers, biggest spenders first, each with their top three "
    "recommendations. Open a customer for their history and every recommendation."
)
st.dataframe(
    with_customer_links(members.head(1_000)),
    hide_index=True,
    width="stretch",
    column_config={
        "customer_id": CUSTOMER_LINK,
        "segment": None,
        "recency_days": st.column_config.NumberColumn("Days since last purchase", format="%d"),
        "frequency": st.column_config.NumberColumn("Orders", format="%d"),
        "monetary": st.column_config.NumberColumn("Net spend (£)", format="%.0f"),
        "revenue_previous_90_days": st.column_config.NumberColumn(
            "Spend, last 90 days (£)", format="%.0f"
        ),
        "rfm_segment": "Classic RFM",
        "last_purchase_at": st.column_config.DatetimeColumn("Last purchase", format="D MMM YYYY"),
        **{f"recommendation_{n}_code": None for n in (1, 2, 3)},
        **{f"recommendation_{n}": f"Recommendation {n}" for n in (1, 2, 3)},
    },
)
csv_download(
    members,
    f"{chosen.lower().replace(' ', '-')}-customers.csv",
    f"Download the {chosen} list with recommendations",
    key="download_segment_members",
)
