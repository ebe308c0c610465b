import altair as alt
import streamlit as st
from state import current_build, money

build = current_build()

st.title("Shopper Spectrum")
st.markdown(
    "Shopper Spectrum groups customers into segments by **how recently**, **how often** and "
    "**how much** they buy, so each group can be treated in its own way. It also finds products "
    "that are bought together, to recommend the next product to each customer."
)

kpis = build.kpis()
st.caption(f"Data up to {kpis['as_of_date']:%-d %B %Y} (the build's as-of date).")
columns = st.columns(4)
columns[0].metric("Customers", f"{kpis['customers']:,}")
columns[1].metric("Orders", f"{int(kpis['orders']):,}")
columns[2].metric("Net revenue", money(kpis["revenue"]))
columns[3].metric("Products", f"{kpis['products']:,}")

profiles = build.segment_profiles()
st.subheader("Customer segments")
if profiles.empty:
    st.info(
        "No customer has enough purchases in this build to form segments. Segments appear once "
        "the export holds purchases by at least three customers."
    )
    st.stop()
size_chart, revenue_chart = st.columns(2)
segment_colour = alt.Color("segment:N", legend=None)
size_chart.altair_chart(
    alt.Chart(profiles, title="Customers per segment")
    .mark_bar()
    .encode(
        x=alt.X("customers:Q", title="Customers"),
        y=alt.Y("segment:N", sort="-x", title=None),
        color=segment_colour,
    ),
    width="stretch",
)
revenue_chart.altair_chart(
    alt.Chart(profiles, title="Share of revenue")
    .mark_bar()
    .encode(
        x=alt.X("revenue_share:Q", title="Share of net revenue", axis=alt.Axis(format="%")),
        y=alt.Y("segment:N", sort="-x", title=None),
        color=segment_colour,
    ),
    width="stretch",
)

st.dataframe(
    profiles[["segment", "customers", "customer_share", "revenue_share", "explanation"]],
    hide_index=True,
    width="stretch",
    column_config={
        "segment": "Segment",
        "customers": st.column_config.NumberColumn("Customers", format="%d"),
        "customer_share": st.column_config.NumberColumn("Share of customers", format="percent"),
        "revenue_share": st.column_config.NumberColumn("Share of revenue", format="percent"),
        "explanation": st.column_config.TextColumn("What it means", width="large"),
    },
)

st.subheader("Recency, frequency and spend by segment")
st.caption(
    "Each box spans the middle half of the segment's customers; the line is the median (log scale)."
)
sample = build.customer_rfm_sample()
measures = {
    "recency_days": "Days since last purchase",
    "frequency": "Orders",
    "monetary": "Net spend (£)",
}
for column, (measure, title) in zip(st.columns(3), measures.items(), strict=True):
    column.altair_chart(
        alt.Chart(sample[sample[measure] > 0], title=title)
        .mark_boxplot(extent="min-max")
        .encode(
            x=alt.X("segment:N", title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y(f"{measure}:Q", title=None, scale=alt.Scale(type="log")),
            color=segment_colour,
        ),
        width="stretch",
    )
