import pandas as pd
import streamlit as st
from state import current_build, money

build = current_build()

st.title("Customer segmentation")

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
st.subheader("Look up a customer")
customer_id = st.text_input(
    "Customer id", key="customer", bind="query-params", placeholder="e.g. 12347", max_chars=40
).strip()
if customer_id:
    customer = build.customer(customer_id)
    if customer is None:
        st.error(f"No customer with id {customer_id} in this build.")
    else:
        st.markdown(f"#### {customer['segment'] or 'Not segmented'}")
        cols = st.columns(3)
        cols[0].metric(
            "Days since last purchase",
            "—" if pd.isna(customer["recency_days"]) else f"{customer['recency_days']:,.0f}",
        )
        cols[1].metric("Orders", f"{customer['frequency']:,}")
        cols[2].metric("Net spend", money(customer["monetary"]))
        if customer["customer_status"] == "active":
            st.markdown(
                f"Classic RFM: **{customer['rfm_segment']}** (scores R {customer['r_score']}, "
                f"F {customer['f_score']}, M {customer['m_score']} out of 5)."
            )
        else:
            st.info(
                "Net spend is zero or negative (cancellations cancel the purchases), so no segment is given."
            )
        recommendations = build.customer_recommendations(customer_id)
        st.markdown("**Recommended for this customer**")
        if recommendations.empty:
            st.caption("No recommendations for this customer.")
        else:
            st.dataframe(
                recommendations[
                    ["rank", "description", "product_code", "because_description", "score"]
                ],
                hide_index=True,
                width="stretch",
                column_config={
                    "rank": "#",
                    "description": "Product",
                    "product_code": "Code",
                    "because_description": "Because they bought",
                    "score": st.column_config.NumberColumn("Score", format="%.3f"),
                },
            )
