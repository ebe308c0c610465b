"""How exports are read: the dbt vars raw_layouts, raw_columns, raw_encoding, raw_date_format."""

from __future__ import annotations

from dataclasses import dataclass

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.layouts import Layouts

# DuckDB's and Python's names of the encodings var raw_encoding may take.
ENCODINGS = {"utf-8": "utf-8-sig", "latin-1": "latin-1", "utf-16": "utf-16"}


@dataclass(frozen=True)
class LoadSettings:
    """How to read exports: the dbt vars raw_layouts, raw_columns, raw_encoding, raw_date_format."""

    layouts: Layouts
    encoding: str = "utf-8"
    date_format: str | None = None

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise RawInputError(
                f"the dbt var raw_encoding is {self.encoding!r}; it can be {', '.join(ENCODINGS)}"
            )
