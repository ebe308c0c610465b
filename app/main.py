"""Shopper Spectrum viewer: `uv run streamlit run app/main.py` after `uv run dbt build`."""

import streamlit as st

from shopper_spectrum.viewer import MissingBuildError

st.set_page_config(page_title="Shopper Spectrum", page_icon=":material/storefront:", layout="wide")

page = st.navigation(
    [
        st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("views/segmentation.py", title="Segmentation", icon=":material/groups:"),
        st.Page("views/movement.py", title="Segment movement", icon=":material/swap_horiz:"),
        st.Page("views/customer.py", title="Customer", icon=":material/person:"),
        st.Page("views/recommendation.py", title="Recommendation", icon=":material/recommend:"),
        st.Page("views/data_quality.py", title="Data quality", icon=":material/fact_check:"),
    ]
)
try:
    page.run()
except MissingBuildError as missing:
    st.title("Nothing to show yet")
    st.info(str(missing))
    st.code("uv run dbt build", language="bash")
