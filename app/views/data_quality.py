import pandas as pd
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

st.subheader("How good are the recommendations?")
evaluation = build.evaluation()
if evaluation.empty:
    st.info("Too little history to test the recommendations: each test needs a month before it.")
else:
    first, last = (
        evaluation["first_training_cutoff"].min(),
        evaluation["last_training_cutoff"].max(),
    )
    st.caption(
        f"Tested on {int(evaluation['folds'].max())} months ({first:%b %Y} to {last:%b %Y}): each "
        "time trained only on the orders before the month, then checked against the products "
        "customers bought for the first time in the 30 days after (10 recommendations each). "
        "± is the standard error over the months."
    )
    shown = evaluation[["model", "folds", "customers_evaluated"]].copy()
    for metric in ("precision_at_k", "hit_rate_at_k", "ndcg_at_k"):
        shown[metric] = [
            f"{mean:.3f}" if pd.isna(se) else f"{mean:.3f} ± {se:.3f}"
            for mean, se in zip(evaluation[metric], evaluation[f"{metric}_se"], strict=True)
        ]
    shown["catalogue_coverage"] = evaluation["catalogue_coverage"]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "model": "Model",
            "folds": st.column_config.NumberColumn("Months tested", format="%d"),
            "customers_evaluated": st.column_config.NumberColumn("Customers", format="%d"),
            "precision_at_k": st.column_config.TextColumn(
                "Precision@10", help="Share of the 10 recommendations the customer then bought"
            ),
            "hit_rate_at_k": st.column_config.TextColumn(
                "Hit rate@10", help="Share of customers who bought at least one"
            ),
            "ndcg_at_k": st.column_config.TextColumn("NDCG@10", help="Rewards hits near the top"),
            "catalogue_coverage": st.column_config.NumberColumn(
                "Catalogue coverage", format="percent"
            ),
        },
    )

left, right = st.columns(2)
left.subheader("Rows per table")
left.dataframe(build.row_counts(), hide_index=True, width="stretch")
right.subheader("Choosing the number of segments")
right.caption("Higher silhouette = better separated segments.")
right.dataframe(build.k_diagnostics(), hide_index=True, width="stretch")
