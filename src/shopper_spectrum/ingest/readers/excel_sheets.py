"""Excel workbooks, read with pandas and python-calamine: a reader per sheet with a header."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers.base import Reader, ScanQuery
from shopper_spectrum.ingest.settings import LoadSettings

SHEET_VIEW = "excel_sheet"


@dataclass(frozen=True, eq=False)
class ExcelSheetReader(Reader):
    frame: object | None = None  # the sheet as a pandas DataFrame of text

    def scan(self, query: ScanQuery) -> str:
        query.cursor.register(SHEET_VIEW, _sheet_as_text(self.frame))
        return SHEET_VIEW

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.unregister(SHEET_VIEW)


def excel_sheet_readers(path: Path, settings: LoadSettings) -> list[ExcelSheetReader]:
    # pandas is imported only for Excel exports: CSV and Parquet never need it.
    import pandas as pd  # noqa: PLC0415

    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
    except Exception as error:  # calamine raises its own error types
        raise RawInputError(f"{path}: cannot be read as an Excel workbook ({error}).") from error
    readers = []
    for sheet, frame in sheets.items():
        if frame.columns.empty:
            continue  # a blank sheet holds no lines, so there is nothing to account for
        label = f"{path} [sheet {sheet}]"
        layout, mapping = settings.layouts.match([str(c) for c in frame.columns], label)
        readers.append(
            ExcelSheetReader(str(path), str(sheet), mapping, layout, path=path, frame=frame)
        )
    if not readers:
        raise RawInputError(f"{path}: no sheet has a header; expected invoice lines.")
    return readers


def _sheet_as_text(frame) -> pa.Table:
    """An Excel sheet's cells as Arrow text columns (empty cells null), named as in the sheet."""
    return pa.table(
        {
            str(name): pa.array(frame[name].astype("string"), type=pa.string(), from_pandas=True)
            for name in frame.columns
        }
    )
