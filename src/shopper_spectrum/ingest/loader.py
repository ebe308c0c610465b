"""Load raw exports as text, file by file, into one DuckDB table of raw lines.

Nothing is typed here: values stay as exported, so that staging can audit every line, including
the ones whose numbers or dates do not parse. Each file is read by the reader for its format
(readers/); a file that cannot be read at all (a quote never closed, a truncated gzip) fails the
load with one line naming the file, the row and the cause.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from shopper_spectrum.ingest.date_order import date_order, settle_date_order
from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.increments import LoadPlan, StampedFile, is_viewed
from shopper_spectrum.ingest.layouts import FIELDS
from shopper_spectrum.ingest.readers import (
    Loaded,
    ParquetReader,
    Reader,
    RelationReader,
    Span,
    readers_for,
)
from shopper_spectrum.ingest.settings import LoadSettings
from shopper_spectrum.ingest.sql_text import read_error_cause

RAW_SCHEMA = pa.schema(
    [pa.field(name, pa.string()) for name in FIELDS]
    + [
        pa.field("raw_line_id", pa.int64()),
        pa.field("source_file", pa.string()),
        pa.field("source_sheet", pa.string()),
        pa.field("source_row_number", pa.int64()),
        pa.field("source_layout", pa.string()),
        pa.field("date_order", pa.string()),
        pa.field("load_error", pa.string()),
    ]
)

MANIFEST_SCHEMA = pa.schema(
    [
        pa.field("source_file", pa.string()),
        pa.field("source_sheet", pa.string()),
        pa.field("source_layout", pa.string()),
        pa.field("date_order", pa.string()),
        pa.field("first_raw_line_id", pa.int64()),
        pa.field("lines", pa.int64()),
        pa.field("unreadable_lines", pa.int64()),
        pa.field("file_bytes", pa.int64()),
        pa.field("file_modified_at", pa.timestamp("us")),
        pa.field("load_settings", pa.string()),
        pa.field("loaded_in_this_run", pa.bool_()),
        pa.field("loaded_at", pa.timestamp("us")),
        pa.field("view_query", pa.string()),
    ]
)


def load_raw_exports(
    connection: duckdb.DuckDBPyConnection,
    plan: LoadPlan,
    lines_table: str,
    settings: LoadSettings,
    settings_text: str = "",
) -> pa.Table:
    """Load the files `plan` says to read into `lines_table` — after the lines of the files it
    keeps from the last build, or replacing them all — and return the manifest (one row per file
    or Excel sheet, kept ones first).

    Layouts are checked for every file before the first line is loaded, so a bad file late in a
    glob fails the load up front rather than after minutes of reading.
    """
    readers = [reader for stamped in plan.to_read for reader in readers_for(stamped.path, settings)]
    stamps = {str(stamped.path): stamped for stamped in plan.to_read}
    kept = [{**row, "loaded_in_this_run": False} for row in plan.kept]
    if is_viewed(
        [stamped.path for stamped in plan.to_read] + [Path(r["source_file"]) for r in kept]
    ):
        new = _view_parquet(connection, lines_table, readers, settings, plan)
    else:
        new = _load(connection, lines_table, readers, settings, plan)
    rows = [{**row, **_stamp(stamps.get(row["source_file"]), settings_text)} for row in new]
    return pa.Table.from_pylist(kept + rows, schema=MANIFEST_SCHEMA)


def load_raw_relation(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    lines_table: str,
    settings: LoadSettings,
    settings_text: str = "",
) -> pa.Table:
    """Replace `lines_table` with the rows of a table or view (var raw_relation), as text."""
    cursor = connection.cursor()
    try:
        reader = RelationReader.for_relation(cursor, relation, settings)
    finally:
        cursor.close()
    rows = _load(connection, lines_table, [reader], settings, LoadPlan([]))
    return pa.Table.from_pylist(
        [{**row, **_stamp(None, settings_text)} for row in rows], schema=MANIFEST_SCHEMA
    )


def read_raw_exports(raw_path: str, settings: LoadSettings, base_dir: str | Path = ".") -> pa.Table:
    """Every raw line `raw_path` names, as an Arrow table in RAW_SCHEMA (for tests and tools)."""
    plan = LoadPlan(StampedFile.listed(raw_path, base_dir))
    with duckdb.connect() as connection:
        load_raw_exports(connection, plan, "raw_invoice_lines", settings)
        return connection.sql(
            "select * from raw_invoice_lines order by raw_line_id"
        ).to_arrow_table()


def _stamp(stamped: StampedFile | None, settings_text: str) -> dict:
    """What a manifest row of this run records beside the reader's own row. loaded_at tells one
    load of a file's lines from another (the models that keep lines between builds compare it)."""
    return {
        "file_modified_at": stamped.modified_at if stamped else None,
        "load_settings": settings_text,
        "loaded_in_this_run": True,
        "loaded_at": datetime.now(UTC).replace(tzinfo=None),
    }


def _load(
    connection: duckdb.DuckDBPyConnection,
    lines_table: str,
    readers: list[Reader],
    settings: LoadSettings,
    plan: LoadPlan,
) -> list[dict]:
    if not plan.appends:
        cursor = connection.cursor()
        try:
            _drop_relation(cursor, lines_table)
            columns = ", ".join(f'"{f.name}" {_sql_type(f.type)}' for f in RAW_SCHEMA)
            cursor.execute(f"create table {lines_table} ({columns})")
        finally:
            cursor.close()
    manifest, lines_before = [], plan.lines_before
    for reader in readers:
        # A cursor per file: CSV rejects go to temporary tables of the cursor's own.
        cursor = connection.cursor()
        try:
            loaded = reader.load_into(cursor, lines_table, lines_before, settings)
            order = settle_date_order(
                cursor, Span(lines_table, reader, lines_before), loaded, settings
            )
        finally:
            cursor.close()
        manifest.append(reader.manifest_row(lines_before + 1, loaded, order))
        lines_before += loaded.lines
    _require_lines(readers, lines_before)
    return manifest


def _view_parquet(
    connection: duckdb.DuckDBPyConnection,
    lines_table: str,
    readers: list[ParquetReader],
    settings: LoadSettings,
    plan: LoadPlan,
) -> list[dict]:
    """Parquet is already columnar and typed: rather than copy it as text, make `lines_table` a
    view over the files with the same columns. Line counts come from the files' metadata and each
    file's date order is settled up front and written into its part of the view, so staging reads
    each file once, when the dispositions are built. The view names the files by absolute path:
    moving them breaks it until the next build. Files kept from the last build keep their part of
    the view (the manifest's view_query): their lines are not read to load the new ones."""
    parts = [row["view_query"] for row in plan.kept]
    manifest, lines_before = [], plan.lines_before
    if not readers:
        return manifest
    cursor = connection.cursor()
    try:
        for reader in readers:
            part, lines, order = _parquet_part(cursor, reader, lines_before, settings)
            parts.append(part)
            row = reader.manifest_row(lines_before + 1, Loaded(lines), order)
            manifest.append({**row, "view_query": part})
            lines_before += lines
        _require_lines(readers, lines_before)
        _drop_relation(cursor, lines_table)
        cursor.execute(f"create view {lines_table} as " + "\nunion all\n".join(parts))
    finally:
        cursor.close()
    return manifest


def _parquet_part(
    cursor: duckdb.DuckDBPyConnection,
    reader: ParquetReader,
    lines_before: int,
    settings: LoadSettings,
) -> tuple[str, int, str | None]:
    """One Parquet file's part of the raw lines view: its query, line count and date order."""
    scan = reader.scan_of(reader.path.resolve())
    try:
        lines = reader.line_count(cursor)
        columns = reader.selected_columns(cursor, scan)
        order = date_order(
            cursor,
            f"select {columns}, {reader.row_number} as source_row_number from {scan}",
            reader.label,
            settings,
        )
    except duckdb.Error as error:
        raise RawInputError(f"{reader.label}: {read_error_cause(error)}") from error
    part = reader.lines_query(columns, scan, lines_before, order)
    return part, lines, order


def _require_lines(readers: list[Reader], lines: int) -> None:
    if lines == 0:
        raise RawInputError(
            f"{', '.join(r.label for r in readers)}: the header is there but there are no lines."
        )


def _drop_relation(cursor: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the raw lines whether the last build made them a table or a view."""
    for kind in ("table", "view"):
        try:
            cursor.execute(f"drop {kind} if exists {name}")
        except duckdb.CatalogException:  # it exists as the other kind
            continue


def _sql_type(arrow_type: pa.DataType) -> str:
    return "bigint" if pa.types.is_integer(arrow_type) else "varchar"
