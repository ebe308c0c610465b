"""The build the pages read: the newest published snapshot, one cached connection per snapshot."""

from pathlib import Path

import pandas as pd
import streamlit as st

from shopper_spectrum.viewer import BuildData, latest_snapshot


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(snapshot: str) -> BuildData:
    return BuildData.open(Path(snapshot))


def current_build() -> BuildData:
    """Looked up on every run, so a rebuild shows up on the next interaction or reload."""
    return _open(str(latest_snapshot()))


@st.cache_data(max_entries=4, show_spinner=False)
def product_labels(snapshot: str) -> pd.Series:
    """Product code -> "DESCRIPTION · CODE", for the searchable picker (cached per snapshot)."""
    products = _open(snapshot).products()
    return pd.Series(
        (products["description"] + " · " + products["product_code"]).to_numpy(),
        index=products["product_code"],
    )


def money(value: float) -> str:
    return f"£{value:,.0f}"
