"""Read raw exports as text, file by file, into one stream of canonical raw lines.

Nothing is typed here: values stay exactly as exported, so that staging can audit every line,
including the ones whose numbers or dates do not parse.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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

BATCH_ROWS = 1_000_000


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


def read_raw_exports(raw_path: str, base_dir: str | Path = ".") -> pa.RecordBatchReader:
    """All lines of all files `raw_path` names, as one stream in RAW_SCHEMA.

    Layout and column checks run for every file before the first line is streamed, so a bad file
    later in a glob fails the load up front rather than after minutes of reading.
    """
    files = resolve_raw_files(raw_path, base_dir)
    plans = [plan for path in files for plan in _plan_file(path)]
    return pa.RecordBatchReader.from_batches(RAW_SCHEMA, _stream(plans))


def _stream(plans: list[_FilePlan]) -> Iterator[pa.RecordBatch]:
    """Batches of every plan in turn, numbering lines 1.. across all files (raw_line_id)."""
    lines_before = 0
    for plan in plans:
        rows = 0
        for batch in plan.batches():
            rows += batch.num_rows
            line_ids = pc.add(batch.column("source_row_number"), lines_before)
            yield batch.set_column(
                RAW_SCHEMA.get_field_index("raw_line_id"), "raw_line_id", line_ids
            )
        lines_before += rows
        if rows == 0:
            raise RawInputError(f"{plan.label}: the header is there but the file has no lines.")


# eq=False: plans hold DataFrames, which do not compare to a single bool.
@dataclass(frozen=True, eq=False)
class _FilePlan:
    """One file (or one Excel sheet) whose layout is known, ready to stream its lines.

    A CSV plan keeps the header it was planned from; an Excel plan keeps the sheet's rows.
    """

    path: Path
    sheet: str | None
    mapping: dict[str, str]
    layout: str
    csv_header: list[str] | None = None
    frame: pd.DataFrame | None = None

    @property
    def label(self) -> str:
        return f"{self.path} [sheet {self.sheet}]" if self.sheet else str(self.path)

    def batches(self) -> Iterator[pa.RecordBatch]:
        if self.frame is not None:
            yield from _frame_batches(self)
        else:
            yield from _duckdb_batches(self)


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
    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as error:
        raise RawInputError(f"{path}: cannot be read as Parquet ({error}).") from error


def _plan_excel(path: Path) -> list[_FilePlan]:
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


def _frame_batches(plan: _FilePlan) -> Iterator[pa.RecordBatch]:
    frame = plan.frame
    assert frame is not None
    columns = {
        canonical: frame[plan.mapping[canonical]].astype("string").str.strip()
        for canonical in RAW_COLUMNS
    }
    table = pa.table(
        {
            **{
                name: pa.array(values, type=pa.string(), from_pandas=True)
                for name, values in columns.items()
            },
            "raw_line_id": pa.nulls(len(frame), pa.int64()),
            "source_file": pa.array([str(plan.path)] * len(frame), pa.string()),
            "source_sheet": pa.array([plan.sheet] * len(frame), pa.string()),
            "source_row_number": pa.array(range(1, len(frame) + 1), pa.int64()),
            "source_layout": pa.array([plan.layout] * len(frame), pa.string()),
        },
        schema=RAW_SCHEMA,
    )
    yield from table.to_batches(max_chunksize=BATCH_ROWS)


def _duckdb_batches(plan: _FilePlan) -> Iterator[pa.RecordBatch]:
    path = str(plan.path)
    params: dict[str, object] = {"path": path, "layout": plan.layout}
    if plan.csv_header is None:
        scan = "read_parquet($path)"
    else:
        params["columns"] = {name: "VARCHAR" for name in _dedupe(plan.csv_header)}
        # Everything as text, no type sniffing: typing (and auditing what fails) is staging's job.
        scan = (
            "read_csv($path, header = true, all_varchar = true, delim = ',', quote = '\"', "
            "escape = '\"', null_padding = true, auto_detect = false, columns = $columns)"
        )
    selected = ", ".join(
        f'cast({_quote(plan.mapping[c])} as varchar) as "{c}"' for c in RAW_COLUMNS
    )
    # row_number over the scan in file order; insertion order is preserved by DuckDB's readers.
    query = f"""
        select {selected},
               cast(null as bigint) as raw_line_id,
               $path as source_file,
               cast(null as varchar) as source_sheet,
               row_number() over () as source_row_number,
               $layout as source_layout
        from {scan}
    """
    con = duckdb.connect()
    try:
        reader = con.sql(query, params=params).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            yield batch.cast(RAW_SCHEMA)
    except duckdb.Error as error:
        raise RawInputError(f"{plan.label}: cannot be read ({_first_line(error)}).") from error
    finally:
        con.close()


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
