"""The build the pages read: the newest published snapshot, one cached connection per snapshot."""

from pathlib import Path
from urllib.parse import quote

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


def customer_url(customer_id: str) -> str:
    """The customer page's deep link (?customer=...), relative to the app."""
    return f"customer?customer={quote(str(customer_id))}"


def with_customer_links(frame: pd.DataFrame) -> pd.DataFrame:
    """The list with its customer_id column turned into links to the customer page."""
    return frame.assign(customer_id=frame["customer_id"].map(customer_url))


# A list's customer id column: shows the id, opens the customer page.
CUSTOMER_LINK = st.column_config.LinkColumn(
    "Customer", display_text=r"customer=(.*)$", help="Open the customer page"
)


# A ranked product list's first columns, as every page shows them.
RANKED_PRODUCT_COLUMNS = {"rank": "#", "description": "Product", "product_code": "Code"}


def csv_download(frame: pd.DataFrame, file_name: str, label: str, key: str) -> None:
    """A button that downloads the whole list as CSV, ready for a marketing tool."""
    st.download_button(
        f"{label} (CSV, {len(frame):,} rows)",
        data=frame.to_csv(index=False).encode("utf-8"),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
    )
