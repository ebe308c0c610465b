import streamlit as st
from state import current_build, product_labels

build = current_build()

st.title("Product recommendations")
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
                "rank": "#",
                "description": "Product",
                "product_code": "Code",
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
