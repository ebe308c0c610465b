import pandas as pd
import streamlit as st
from state import RANKED_PRODUCT_COLUMNS, current_build, product_labels

from shopper_spectrum.viewer.explain import not_ahead_warning, what_the_lists_are

build = current_build()

st.title("Product recommendations")
evaluation = build.evaluation()
chosen = evaluation[evaluation["is_chosen"]]
if chosen.empty:
    st.caption(
        "Each customer's list (on their customer page) is driven by what they bought: too little "
        "history to test other ways, as each test needs a month before it."
    )
else:
    chosen_row = chosen.iloc[0].to_dict()
    popularity = evaluation[evaluation["popularity_share"] == 1].iloc[0].to_dict()
    st.markdown(f"**Each customer's list:** {what_the_lists_are(chosen_row)}")
    warning = not_ahead_warning(chosen_row, popularity)
    if warning:
        st.warning(warning, icon=":material/trending_up:")
st.caption("Pick a product to see the products most often bought in the same order.")

labels = product_labels(str(build.snapshot))
codes = labels.index.tolist()
if not codes:
    st.info(
        "This build has no products bought by a known customer, so there is nothing to recommend. "
        "The Data quality page shows what happened to every line."
    )
    st.stop()
# The stock code is the deep link (?product=85123A); the picker searches descriptions and codes.
linked = st.query_params.get("product")
product_code = st.selectbox(
    "Product",
    codes,
    index=labels.index.get_loc(linked) if linked in labels.index else None,
    format_func=lambda code: labels.get(code, code),
    filter_mode="contains",
    key="product_picker",
    placeholder="Type part of a description or a stock code",
)
if product_code is None:
    st.query_params.pop("product", None)
else:
    st.query_params["product"] = product_code
most = build.max_similar_products()
# A slider needs two ends: with at most one similar product per product there is nothing to choose.
top_n = (
    st.slider("How many similar products", 1, most, value=min(10, most), key="top_n")
    if most > 1
    else most
)

if product_code is None:
    st.info("Choose a product above.")
else:
    product = build.product(product_code)
    with st.container(border=True):
        st.subheader(product["description"])
        cols = st.columns(4)
        cols[0].metric("Stock code", product["product_code"])
        cols[1].metric("Typical price", f"£{product['median_unit_price']:,.2f}")
        cols[2].metric("Customers who bought it", f"{product['purchasing_customers']:,}")
        cols[3].metric("Popularity rank", f"#{product['popularity_rank']:,}")

    similar = build.similar_products(product_code, top_n)
    st.subheader("Often bought together")
    if similar.empty:
        st.info("Too few shared orders to suggest anything for this product.")
    else:
        st.caption(
            "Ranked by how often an order with this product also holds the other: the best "
            "predictor of what this product's buyers buy next."
        )
        st.dataframe(
            similar[["rank", "description", "product_code", "confidence", "co_baskets", "lift"]],
            hide_index=True,
            width="stretch",
            column_config={
                **RANKED_PRODUCT_COLUMNS,
                "confidence": st.column_config.ProgressColumn(
                    "In its orders",
                    min_value=0.0,
                    max_value=1.0,
                    format="percent",
                    help="Share of this product's orders that also hold it",
                ),
                "co_baskets": st.column_config.NumberColumn("Orders with both", format="%d"),
                "lift": st.column_config.NumberColumn(
                    "Lift", format="%.1f×", help="How much more often than chance"
                ),
            },
        )

if not chosen.empty:
    months = int(chosen_row["folds"])
    with st.expander(f"How the build chose the lists ({months} months tested)"):
        st.caption(
            f"Each month from {chosen_row['first_training_cutoff']:%b %Y} to "
            f"{chosen_row['last_training_cutoff']:%b %Y}, every candidate was trained on the "
            "orders before it and checked against the products customers bought for the first "
            "time in the 30 days after. The build takes the simplest candidate within one "
            "standard error (±) of the best. Shown: the best ten, the best of each kind and the "
            "choice."
        )
        kind = evaluation["popularity_share"].map(
            lambda share: "popularity" if share == 1 else "item model" if share == 0 else "blend"
        )
        shown = pd.concat(
            [
                evaluation.head(10),
                evaluation.groupby([kind, evaluation["count_unit"]], dropna=False).head(1),
                chosen,
            ]
        ).drop_duplicates("candidate")
        shown = shown.sort_values("precision_at_k", ascending=False)
        table = pd.DataFrame(
            {
                "candidate": shown["label"],
                "precision_at_k": [
                    f"{mean:.3f}" if pd.isna(se) else f"{mean:.3f} ± {se:.3f}"
                    for mean, se in zip(
                        shown["precision_at_k"], shown["precision_at_k_se"], strict=True
                    )
                ],
                "hit_rate_at_k": [
                    f"{mean:.3f}" if pd.isna(se) else f"{mean:.3f} ± {se:.3f}"
                    for mean, se in zip(
                        shown["hit_rate_at_k"], shown["hit_rate_at_k_se"], strict=True
                    )
                ],
                "level": shown["is_level_with_best"],
                "chosen": shown["is_chosen"],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "candidate": st.column_config.TextColumn("Candidate", width="large"),
                "precision_at_k": st.column_config.TextColumn(
                    "Precision@10", help="Share of the 10 recommendations the customer then bought"
                ),
                "hit_rate_at_k": st.column_config.TextColumn(
                    "Hit rate@10", help="Share of customers who bought at least one"
                ),
                "level": st.column_config.CheckboxColumn(
                    "Level with the best", help="Within one standard error of the best"
                ),
                "chosen": st.column_config.CheckboxColumn("Chosen"),
            },
        )
