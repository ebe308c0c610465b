"""Reading raw invoice-line exports (CSV / CSV.gz / Parquet / XLSX, or a table) as text."""

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.files import resolve_raw_files
from shopper_spectrum.ingest.layouts import FIELDS, Layout, Layouts
from shopper_spectrum.ingest.loader import (
    RAW_SCHEMA,
    load_raw_exports,
    load_raw_relation,
    read_raw_exports,
)
from shopper_spectrum.ingest.settings import LoadSettings

__all__ = [
    "FIELDS",
    "RAW_SCHEMA",
    "Layout",
    "Layouts",
    "LoadSettings",
    "RawInputError",
    "load_raw_exports",
    "load_raw_relation",
    "read_raw_exports",
    "resolve_raw_files",
]
