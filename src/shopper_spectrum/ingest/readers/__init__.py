"""One reader per format behind one interface (readers.base.Reader): each says where its rows
come from and how they are numbered; the loader appends them all the same way."""

from __future__ import annotations

from pathlib import Path

from shopper_spectrum.ingest.readers.base import Loaded, Reader, Span, has_glob
from shopper_spectrum.ingest.readers.csv_files import CsvReader
from shopper_spectrum.ingest.readers.excel_sheets import ExcelSheetReader, excel_sheet_readers
from shopper_spectrum.ingest.readers.parquet_files import ParquetReader
from shopper_spectrum.ingest.readers.relations import RelationReader
from shopper_spectrum.ingest.settings import LoadSettings


def readers_for(path: Path, settings: LoadSettings) -> list[Reader]:
    """The readers of one file, by its name's suffix (files.SUPPORTED_SUFFIXES): one per Excel
    sheet, one otherwise. Each has matched its header to a layout."""
    name = path.name.lower()
    if name.endswith(".xlsx"):
        return list(excel_sheet_readers(path, settings))
    if name.endswith(".parquet"):
        return [ParquetReader.for_file(path, settings)]
    return [CsvReader.for_file(path, settings)]


__all__ = [
    "CsvReader",
    "ExcelSheetReader",
    "Loaded",
    "ParquetReader",
    "Reader",
    "RelationReader",
    "Span",
    "has_glob",
    "readers_for",
]
