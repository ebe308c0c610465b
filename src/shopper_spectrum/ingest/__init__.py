"""Reading raw invoice-line exports (both UCI layouts, CSV / CSV.gz / Parquet / XLSX) as text."""

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.layouts import LAYOUTS, RAW_COLUMNS, Layout, detect_layout
from shopper_spectrum.ingest.readers import RAW_SCHEMA, read_raw_exports, resolve_raw_files

__all__ = [
    "LAYOUTS",
    "RAW_COLUMNS",
    "RAW_SCHEMA",
    "Layout",
    "RawInputError",
    "detect_layout",
    "read_raw_exports",
    "resolve_raw_files",
]
