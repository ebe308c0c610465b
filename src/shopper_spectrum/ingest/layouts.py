"""Export layouts: which of a file's columns holds each field of an invoice line.

The layouts themselves are not written here. They are the dbt vars raw_layouts (the two UCI
layouts), raw_columns (an export's own column names) and raw_header_ignored_characters (how
headers are compared), which the DuckDB loader (this package, through the source's meta) and the
Spark loader (macros/spark_raw_exports.sql) both read: one definition for both engines.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopper_spectrum.ingest.errors import RawInputError

# The fields of an invoice line, as the raw table names its text columns.
FIELDS: tuple[str, ...] = (
    "invoice",
    "product",
    "description",
    "quantity",
    "invoice_time",
    "unit_price",
    "line_amount",
    "customer",
    "country",
)
# Without an invoice column, staging derives baskets by the dbt var basket_rule (a customer's day).
OPTIONAL_FIELDS = frozenset({"invoice", "description", "country"})
# A layout gives the unit price or the line amount (quantity × unit price); staging derives one.
PRICE_FIELDS = ("unit_price", "line_amount")
CUSTOM_LAYOUT = "raw_columns"


@dataclass(frozen=True)
class Layout:
    name: str
    columns: dict[str, str]  # field -> column name as the layout spells it

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise RawInputError(
                f"layout {self.name}: unknown field(s) {', '.join(unknown)}; the fields are "
                f"{', '.join(FIELDS)}"
            )
        needed = [
            f
            for f in FIELDS
            if f not in (*OPTIONAL_FIELDS, *PRICE_FIELDS) and f not in self.columns
        ]
        if not any(f in self.columns for f in PRICE_FIELDS):
            needed.append("unit_price or line_amount")
        if needed:
            raise RawInputError(
                f"layout {self.name} does not say which column holds {', '.join(needed)}"
            )


@dataclass(frozen=True)
class Layouts:
    """The layouts a build recognises, and how it compares header names."""

    layouts: tuple[Layout, ...]
    ignored_characters: str = " _\t\ufeff"
    custom: Layout | None = None  # var raw_columns: the only layout when set

    @classmethod
    def from_vars(
        cls,
        raw_layouts: dict,
        raw_columns: dict | None = None,
        ignored_characters: str = " _\t\ufeff",
    ) -> Layouts:
        return cls(
            layouts=tuple(
                Layout(str(name), {str(f): str(c) for f, c in columns.items()})
                for name, columns in (raw_layouts or {}).items()
            ),
            ignored_characters=ignored_characters,
            custom=Layout(CUSTOM_LAYOUT, {str(f): str(c) for f, c in raw_columns.items()})
            if raw_columns
            else None,
        )

    def key(self, name: str) -> str:
        """A header name as compared: lower case, without the ignored characters."""
        return "".join(c for c in str(name).lower() if c not in self.ignored_characters)

    def match(self, header: list[str], source: str) -> tuple[str, dict[str, str]]:
        """The layout a header belongs to, and each field's column as the file spells it."""
        by_key: dict[str, list[str]] = {}
        for name in header:
            by_key.setdefault(self.key(name), []).append(str(name))
        candidates = (self.custom,) if self.custom else self.layouts
        best, best_missing = None, None
        for layout in candidates:
            found = {f: by_key.get(self.key(c), [None])[0] for f, c in layout.columns.items()}
            missing = [layout.columns[f] for f, column in found.items() if column is None]
            if not missing:
                for column in found.values():
                    same = by_key[self.key(column)]
                    if len(same) > 1:
                        raise RawInputError(
                            f"{source}: the columns {same[0]!r} and {same[1]!r} both read as "
                            f"{self.key(column)!r}, so which one holds the {layout.name} "
                            "layout's column is ambiguous. Rename one of them."
                        )
                return layout.name, found
            if best_missing is None or len(missing) < len(best_missing):
                best, best_missing = layout, missing
        header_text = ", ".join(map(str, header)) or "(none)"
        # A header with a layout's invoice and product columns is that layout, incomplete.
        recognised = best is not None and all(
            best.columns.get(f) not in best_missing for f in ("invoice", "product")
        )
        if self.custom or recognised:
            raise RawInputError(
                f"{source}: the {best.name!r} layout needs column(s) {', '.join(best_missing)}, "
                f"which the header does not have. Header found: {header_text}"
            )
        expected = "; ".join(
            f"{layout.name}: {', '.join(layout.columns.values())}" for layout in self.layouts
        )
        raise RawInputError(
            f"{source}: unknown layout. Header found: {header_text}. Expected one of — "
            f"{expected} — or set the dbt var raw_columns to your own column names."
        )
