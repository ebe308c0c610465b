"""Parquet files, already columnar and typed. Loaded beside other formats they are copied as text
like any file; an export made only of Parquet files becomes a view over them instead (see
loader.view_parquet), since they need no copy to be read again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers.base import Reader, ScanQuery
from shopper_spectrum.ingest.settings import LoadSettings
from shopper_spectrum.ingest.sql_text import literal


@dataclass(frozen=True, eq=False)
class ParquetReader(Reader):
    row_number = "file_row_number + 1"
    typed_columns = True

    @classmethod
    def for_file(cls, path: Path, settings: LoadSettings) -> ParquetReader:
        layout, mapping = settings.layouts.match(_parquet_header(path), str(path))
        return cls(str(path), None, mapping, layout, path=path)

    def scan(self, query: ScanQuery) -> str:
        return self.scan_of(query.path)

    @staticmethod
    def scan_of(path: Path) -> str:
        """The file's rows with their row numbers (a view cannot take query parameters, so the
        path is written into the query)."""
        return f"read_parquet({literal(str(path))}, file_row_number = true)"

    def line_count(self, cursor: duckdb.DuckDBPyConnection) -> int:
        """The file's rows, from its metadata (nothing is read)."""
        return int(
            cursor.execute(
                "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)",
                [str(self.path.resolve())],
            ).fetchone()[0]
        )


def _parquet_header(path: Path) -> list[str]:
    # pyarrow.parquet is imported only for Parquet exports.
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as error:
        raise RawInputError(f"{path}: cannot be read as Parquet ({error}).") from error
