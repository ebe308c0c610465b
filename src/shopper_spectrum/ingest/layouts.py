"""The two UCI export layouts and how a file's header is matched to one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shopper_spectrum.ingest.errors import RawInputError

# Canonical raw column names: the "Online Retail" header. Every layout is renamed to these, as text.
RAW_COLUMNS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)


@dataclass(frozen=True)
class Layout:
    name: str
    # canonical raw column -> header name in this layout
    columns: dict[str, str]
    # headers only this layout has; any of them identifies it
    signature: frozenset[str]

    def column_mapping(self, header: list[str], source: str) -> dict[str, str]:
        """Map each canonical column to the header as spelled in the file, or say what is missing."""
        by_key = {header_key(name): name for name in header}
        mapping, missing = {}, []
        for canonical, expected in self.columns.items():
            found = by_key.get(header_key(expected))
            if found is None:
                missing.append(expected)
            else:
                mapping[canonical] = found
        if missing:
            raise RawInputError(
                f"{source}: the {self.name!r} layout needs column(s) {', '.join(missing)}, "
                f"which the header does not have. Header found: {', '.join(header)}"
            )
        return mapping


def header_key(name: str) -> str:
    """Header names compared without case, spaces or underscores ("Customer ID" == "CustomerID")."""
    return re.sub(r"[\s_]+", "", str(name)).lower()


ONLINE_RETAIL = Layout(
    name="online_retail",
    columns=dict(zip(RAW_COLUMNS, RAW_COLUMNS, strict=True)),
    signature=frozenset({"invoiceno", "unitprice"}),
)

ONLINE_RETAIL_II = Layout(
    name="online_retail_ii",
    columns={
        "InvoiceNo": "Invoice",
        "StockCode": "StockCode",
        "Description": "Description",
        "Quantity": "Quantity",
        "InvoiceDate": "InvoiceDate",
        "UnitPrice": "Price",
        "CustomerID": "Customer ID",
        "Country": "Country",
    },
    signature=frozenset({"invoice", "price"}),
)

LAYOUTS: tuple[Layout, ...] = (ONLINE_RETAIL, ONLINE_RETAIL_II)


def detect_layout(header: list[str], source: str) -> tuple[Layout, dict[str, str]]:
    """The layout a header belongs to, with the canonical-to-file column mapping."""
    keys = {header_key(name) for name in header}
    for layout in LAYOUTS:
        if keys & layout.signature:
            return layout, layout.column_mapping(header, source)
    expected = "; ".join(f"{lay.name}: {', '.join(lay.columns.values())}" for lay in LAYOUTS)
    raise RawInputError(
        f"{source}: unknown layout. Header found: {', '.join(map(str, header)) or '(none)'}. "
        f"Expected one of — {expected}"
    )
