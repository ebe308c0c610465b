import streamlit as st
from state import current_build

build = current_build()

st.title("Data quality")
kpis = build.kpis()
audit = build.audit()
cols = st.columns(3)
cols[0].metric("Raw lines read", f"{int(audit['lines'].sum()):,}")
cols[1].metric("Data as of", f"{kpis['as_of_date']:%d %b %Y}")
cols[2].metric(
    "Published", f"{kpis['published_at']:%d %b %Y}", help=f"{kpis['published_at']:%H:%M:%S} UTC"
)

st.subheader("Where every raw line went")
st.caption(
    "Each line of the export gets exactly one disposition; the lines add up to the raw line count."
)
st.dataframe(
    audit,
    hide_index=True,
    width="stretch",
    column_config={
        "disposition": "Disposition",
        "disposition_reason": "Reason",
        "lines": st.column_config.NumberColumn("Lines", format="%d"),
        "quantity": st.column_config.NumberColumn("Units", format="%d"),
        "amount": st.column_config.NumberColumn("Amount (£)", format="%.2f"),
        "example_rows": st.column_config.TextColumn("Example rows", width="large"),
    },
)

left, right = st.columns(2)
left.subheader("Rows per table")
left.dataframe(build.row_counts(), hide_index=True, width="stretch")
right.subheader("Choosing the number of segments")
right.caption("Higher silhouette = better separated segments.")
right.dataframe(build.k_diagnostics(), hide_index=True, width="stretch")
