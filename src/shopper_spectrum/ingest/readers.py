"""Load raw exports as text, file by file, into one DuckDB table of canonical raw lines.

Nothing is typed here: values stay exactly as exported, so that staging can audit every line,
including the ones whose numbers or dates do not parse. CSV and Parquet are read by DuckDB
itself, straight into the table (no row passes through Python); Excel sheets are read with
pandas and python-calamine.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.layouts import RAW_COLUMNS, detect_layout

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")

RAW_SCHEMA = pa.schema(
    [pa.field(name, pa.string()) for name in RAW_COLUMNS]
    + [
        pa.field("raw_line_id", pa.int64()),
        pa.field("source_file", pa.string()),
        pa.field("source_sheet", pa.string()),
        pa.field("source_row_number", pa.int64()),
        pa.field("source_layout", pa.string()),
    ]
)

MANIFEST_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string()),
        pa.field("source_sheet", pa.string()),
        pa.field("source_layout", pa.string()),
        pa.field("first_raw_line_id", pa.int64()),
        pa.field("lines", pa.int64()),
        pa.field("file_bytes", pa.int64()),
    ]
)


def resolve_raw_files(raw_path: str, base_dir: str | Path = ".") -> list[Path]:
    """The files `raw_path` names (a file or a glob), in a stable order, or a clear error."""
    if not raw_path or not str(raw_path).strip():
        raise RawInputError("The dbt var raw_path is empty: set it to a file or a glob of files.")
    pattern = Path(raw_path).expanduser()
    if not pattern.is_absolute():
        pattern = Path(base_dir) / pattern
    matches = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True))
    files = [p for p in matches if p.is_file()]
    if not files:
        raise RawInputError(
            f"raw_path {raw_path!r} matches no file (looked for {pattern}). "
            "Point the dbt var at an export, e.g. "
            "dbt build --vars '{raw_path: path/to/online_retail.csv.gz}'"
        )
    unsupported = [p for p in files if not p.name.lower().endswith(SUPPORTED_SUFFIXES)]
    if unsupported:
        raise RawInputError(
            f"{unsupported[0]}: unsupported file type. raw_path may match only "
            f"{', '.join(SUPPORTED_SUFFIXES)} files."
        )
    for path in files:
        if path.stat().st_size == 0:
            raise RawInputError(
                f"{path}: the file is empty (0 bytes); expected a header and lines."
            )
    return files


def load_raw_exports(
    connection: duckdb.DuckDBPyConnection,
    raw_path: str,
    lines_table: str,
    base_dir: str | Path = ".",
) -> pa.Table:
    """Replace `lines_table` with every line of every file `raw_path` names; return the manifest
    (one row per file or Excel sheet).

    Layout and column checks run for every file before the first line is loaded, so a bad file
    late in a glob fails the load up front rather than after minutes of reading.
    """
    plans = [plan for path in resolve_raw_files(raw_path, base_dir) for plan in _plan_file(path)]
    cursor = connection.cursor()
    try:
        columns = ", ".join(f'"{field.name}" {_sql_type(field.type)}' for field in RAW_SCHEMA)
        cursor.execute(f"create or replace table {lines_table} ({columns})")
        manifest, lines_before = [], 0
        for plan in plans:
            lines = plan.load_into(cursor, lines_table, lines_before)
            if lines == 0:
                raise RawInputError(f"{plan.label}: the header is there but the file has no lines.")
            manifest.append(plan.manifest_row(lines_before + 1, lines))
            lines_before += lines
    finally:
        cursor.close()
    return pa.Table.from_pylist(manifest, schema=MANIFEST_SCHEMA)


def read_raw_exports(raw_path: str, base_dir: str | Path = ".") -> pa.Table:
    """Every raw line `raw_path` names, as an Arrow table in RAW_SCHEMA (for tests and tools)."""
    with duckdb.connect() as connection:
        load_raw_exports(connection, raw_path, "raw_invoice_lines", base_dir)
        return connection.sql(
            "select * from raw_invoice_lines order by raw_line_id"
        ).to_arrow_table()


# eq=False: plans hold DataFrames, which do not compare to a single bool.
@dataclass(frozen=True, eq=False)
class _FilePlan:
    """One file (or one Excel sheet) whose layout is known, ready to load.

    A CSV plan keeps the header it was planned from; an Excel plan keeps the sheet's rows.
    """

    path: Path
    sheet: str | None
    mapping: dict[str, str]
    layout: str
    csv_header: list[str] | None = None
    frame: object | None = None  # a pandas DataFrame for Excel sheets

    @property
    def label(self) -> str:
        return f"{self.path} [sheet {self.sheet}]" if self.sheet else str(self.path)

    def manifest_row(self, first_raw_line_id: int, lines: int) -> dict:
        return {
            "source_file": str(self.path),
            "source_sheet": self.sheet,
            "source_layout": self.layout,
            "first_raw_line_id": first_raw_line_id,
            "lines": lines,
            "file_bytes": self.path.stat().st_size,
        }

    def load_into(self, cursor: duckdb.DuckDBPyConnection, table: str, lines_before: int) -> int:
        """Append this file's lines to `table`, numbered from lines_before + 1; return the count."""
        params: dict[str, object] = {
            "path": str(self.path),
            "sheet": self.sheet,
            "layout": self.layout,
            "lines_before": lines_before,
        }
        # Row numbers in file order: Parquet knows them; DuckDB's CSV reader and a registered
        # Excel sheet keep insertion order, so a window over the scan numbers them.
        row_number = "row_number() over ()"
        if self.frame is not None:
            cursor.register("excel_sheet", _sheet_as_text(self.frame))
            scan = "excel_sheet"
        elif self.csv_header is None:
            scan = "read_parquet($path, file_row_number = true)"
            row_number = "file_row_number + 1"
        else:
            params["columns"] = {name: "VARCHAR" for name in _dedupe(self.csv_header)}
            # Everything as text, no type sniffing: typing (and auditing what fails) is staging's job.
            scan = (
                "read_csv($path, header = true, all_varchar = true, delim = ',', quote = '\"', "
                "escape = '\"', null_padding = true, auto_detect = false, columns = $columns)"
            )
        selected = ", ".join(
            f'cast({_quote(self.mapping[c])} as varchar) as "{c}"' for c in RAW_COLUMNS
        )
        query = f"""
            insert into {table}
            select {selected},
                   $lines_before + {row_number} as raw_line_id,
                   $path as source_file,
                   cast($sheet as varchar) as source_sheet,
                   {row_number} as source_row_number,
                   $layout as source_layout
            from {scan}
        """
        try:
            inserted = cursor.execute(query, params).fetchone()[0]
        except duckdb.Error as error:
            raise RawInputError(f"{self.label}: cannot be read ({_first_line(error)}).") from error
        finally:
            if self.frame is not None:
                cursor.unregister("excel_sheet")
        return int(inserted)


def _plan_file(path: Path) -> list[_FilePlan]:
    name = path.name.lower()
    if name.endswith(".xlsx"):
        return _plan_excel(path)
    if name.endswith(".parquet"):
        layout, mapping = detect_layout(_parquet_header(path), str(path))
        return [_FilePlan(path, None, mapping, layout.name)]
    header = _csv_header(path)
    layout, mapping = detect_layout(header, str(path))
    return [_FilePlan(path, None, mapping, layout.name, csv_header=header)]


def _csv_header(path: Path) -> list[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise RawInputError(f"{path}: cannot be read as UTF-8 CSV ({error}).") from error
    if not first.strip():
        raise RawInputError(f"{path}: the first line is empty; expected a header.")
    return next(csv.reader(io.StringIO(first)))


def _parquet_header(path: Path) -> list[str]:
    # pyarrow.parquet is imported only for Parquet exports.
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as error:
        raise RawInputError(f"{path}: cannot be read as Parquet ({error}).") from error


def _plan_excel(path: Path) -> list[_FilePlan]:
    # pandas is imported only for Excel exports: CSV and Parquet never need it.
    import pandas as pd  # noqa: PLC0415

    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
    except Exception as error:  # calamine raises its own error types
        raise RawInputError(f"{path}: cannot be read as an Excel workbook ({error}).") from error
    plans = []
    for sheet, frame in sheets.items():
        if frame.columns.empty:
            continue  # a blank sheet holds no lines, so there is nothing to account for
        label = f"{path} [sheet {sheet}]"
        layout, mapping = detect_layout([str(c) for c in frame.columns], label)
        plans.append(_FilePlan(path, str(sheet), mapping, layout.name, frame=frame))
    if not plans:
        raise RawInputError(f"{path}: no sheet has a header; expected invoice lines.")
    return plans


def _sheet_as_text(frame) -> pa.Table:
    """An Excel sheet's cells as Arrow text columns (empty cells null), named as in the sheet."""
    return pa.table(
        {
            str(name): pa.array(frame[name].astype("string"), type=pa.string(), from_pandas=True)
            for name in frame.columns
        }
    )


def _sql_type(arrow_type: pa.DataType) -> str:
    return "bigint" if pa.types.is_integer(arrow_type) else "varchar"


def _dedupe(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        names.append(name if count == 0 else f"{name}_{count}")
        seen[name] = count + 1
    return names


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
