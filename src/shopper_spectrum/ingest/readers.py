"""Load raw exports as text, file by file, into one DuckDB table of raw lines.

Nothing is typed here: values stay as exported, so that staging can audit every line, including
the ones whose numbers or dates do not parse. CSV is read by DuckDB itself, straight into the
table (no row passes through Python); an export made only of Parquet files becomes a view over
them instead, since they need no copy to be read again; Excel sheets are read with pandas and
python-calamine; a warehouse table or view (var raw_relation) is selected from in place.

A CSV row DuckDB cannot split into the header's fields (too few or too many, or bytes that are
not text in the file's encoding) is kept as a raw line of its own, with the reason in load_error,
so staging audits it as unparseable; a file that cannot be read at all (a quote never closed, a
truncated gzip) fails the load with one line naming the file, the row and the cause.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.files import resolve_raw_files
from shopper_spectrum.ingest.layouts import FIELDS, Layouts

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
    ]
)

# DuckDB's and Python's names of the encodings var raw_encoding may take.
ENCODINGS = {"utf-8": "utf-8-sig", "latin-1": "latin-1", "utf-16": "utf-16"}
# Characters DuckDB's readers expand as a glob, even in the name of a file that exists.
GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")


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


def load_raw_exports(
    connection: duckdb.DuckDBPyConnection,
    raw_path: str,
    lines_table: str,
    settings: LoadSettings,
    base_dir: str | Path = ".",
) -> pa.Table:
    """Replace `lines_table` with every line of every file `raw_path` names; return the manifest
    (one row per file or Excel sheet).

    Layouts are checked for every file before the first line is loaded, so a bad file late in a
    glob fails the load up front rather than after minutes of reading.
    """
    plans = [
        plan
        for path in resolve_raw_files(raw_path, base_dir)
        for plan in _plan_file(path, settings)
    ]
    return _load(connection, lines_table, plans, settings)


def load_raw_relation(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    lines_table: str,
    settings: LoadSettings,
) -> pa.Table:
    """Replace `lines_table` with the rows of a table or view (var raw_relation), as text."""
    cursor = connection.cursor()
    try:
        header = [row[0] for row in cursor.execute(f"describe select * from {relation}").fetchall()]
    except duckdb.Error as error:
        raise RawInputError(
            f"raw_relation {relation}: no such table or view here ({_first_line(error)})."
        ) from error
    finally:
        cursor.close()
    layout, mapping = settings.layouts.match(header, f"raw_relation {relation}")
    return _load(
        connection,
        lines_table,
        [_Plan(relation, None, mapping, layout, relation=relation)],
        settings,
    )


def read_raw_exports(raw_path: str, settings: LoadSettings, base_dir: str | Path = ".") -> pa.Table:
    """Every raw line `raw_path` names, as an Arrow table in RAW_SCHEMA (for tests and tools)."""
    with duckdb.connect() as connection:
        load_raw_exports(connection, raw_path, "raw_invoice_lines", settings, base_dir)
        return connection.sql(
            "select * from raw_invoice_lines order by raw_line_id"
        ).to_arrow_table()


def _load(
    connection: duckdb.DuckDBPyConnection,
    lines_table: str,
    plans: list[_Plan],
    settings: LoadSettings,
) -> pa.Table:
    if plans and all(plan.kind == "parquet" and not _has_glob(plan.path) for plan in plans):
        return _view_parquet(connection, lines_table, plans, settings)
    cursor = connection.cursor()
    try:
        _drop_relation(cursor, lines_table)
        columns = ", ".join(f'"{f.name}" {_sql_type(f.type)}' for f in RAW_SCHEMA)
        cursor.execute(f"create table {lines_table} ({columns})")
    finally:
        cursor.close()
    manifest, lines_before = [], 0
    for plan in plans:
        # A cursor per file: CSV rejects go to temporary tables of the cursor's own.
        cursor = connection.cursor()
        try:
            loaded = plan.load_into(cursor, lines_table, lines_before, settings)
            date_order = _settle_date_order(
                cursor, _Span(lines_table, plan, lines_before), loaded, settings
            )
        finally:
            cursor.close()
        manifest.append(plan.manifest_row(lines_before + 1, loaded, date_order))
        lines_before += loaded.lines
    if lines_before == 0:
        raise RawInputError(
            f"{', '.join(p.label for p in plans)}: the header is there but there are no lines."
        )
    return pa.Table.from_pylist(manifest, schema=MANIFEST_SCHEMA)


def _view_parquet(
    connection: duckdb.DuckDBPyConnection,
    lines_table: str,
    plans: list[_Plan],
    settings: LoadSettings,
) -> pa.Table:
    """Parquet is already columnar and typed: rather than copy it as text, make `lines_table` a
    view over the files with the same columns. Line counts come from the files' metadata and each
    file's date order is settled up front and written into its part of the view, so staging reads
    each file once, when the dispositions are built. The view names the files by absolute path:
    moving them breaks it until the next build."""
    parts, manifest, lines_before = [], [], 0
    cursor = connection.cursor()
    try:
        for plan in plans:
            part, lines, date_order = _parquet_part(cursor, plan, lines_before, settings)
            parts.append(part)
            manifest.append(plan.manifest_row(lines_before + 1, _Loaded(lines), date_order))
            lines_before += lines
        if lines_before == 0:
            raise RawInputError(
                f"{', '.join(p.label for p in plans)}: the header is there but there are no lines."
            )
        _drop_relation(cursor, lines_table)
        cursor.execute(f"create view {lines_table} as " + "\nunion all\n".join(parts))
    finally:
        cursor.close()
    return pa.Table.from_pylist(manifest, schema=MANIFEST_SCHEMA)


def _parquet_part(
    cursor: duckdb.DuckDBPyConnection, plan: _Plan, lines_before: int, settings: LoadSettings
) -> tuple[str, int, str | None]:
    """One Parquet file's part of the raw lines view: its query, line count and date order."""
    path = str(plan.path.resolve())
    scan = f"read_parquet({_literal(path)}, file_row_number = true)"
    try:
        lines = int(
            cursor.execute(
                "select coalesce(sum(num_rows), 0) from parquet_file_metadata(?)", [path]
            ).fetchone()[0]
        )
        columns = plan._selected_columns(cursor, scan, {})
        date_order = _date_order(
            cursor,
            f"select {columns}, file_row_number + 1 as source_row_number from {scan}",
            plan,
            settings,
        )
    except duckdb.Error as error:
        raise RawInputError(f"{plan.label}: {_read_error_cause(error)}") from error
    part = f"""select {columns},
                   {lines_before} + file_row_number + 1 as raw_line_id,
                   {_literal(plan.source)} as source_file,
                   cast(null as varchar) as source_sheet,
                   file_row_number + 1 as source_row_number,
                   {_literal(plan.layout)} as source_layout,
                   cast({_literal(date_order)} as varchar) as date_order,
                   cast(null as varchar) as load_error
            from {scan}"""
    return part, lines, date_order


def _drop_relation(cursor: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the raw lines whether the last build made them a table or a view."""
    for kind in ("table", "view"):
        try:
            cursor.execute(f"drop {kind} if exists {name}")
        except duckdb.CatalogException:  # it exists as the other kind
            continue


@dataclass(frozen=True)
class _Loaded:
    lines: int
    unreadable: int = 0


# eq=False: plans hold DataFrames, which do not compare to a single bool.
@dataclass(frozen=True, eq=False)
class _Plan:
    """One file, Excel sheet or relation whose layout is known, ready to load."""

    source: str
    sheet: str | None
    mapping: dict[str, str]  # field -> column name as the source spells it
    layout: str
    kind: str = "csv"  # csv, parquet, excel or relation
    path: Path | None = None
    csv_header: list[str] = field(default_factory=list)
    frame: object | None = None  # a pandas DataFrame for an Excel sheet
    relation: str | None = None

    def __post_init__(self) -> None:
        if self.relation is not None:
            object.__setattr__(self, "kind", "relation")

    @property
    def label(self) -> str:
        return f"{self.source} [sheet {self.sheet}]" if self.sheet else self.source

    def manifest_row(self, first_raw_line_id: int, loaded: _Loaded, date_order: str | None) -> dict:
        return {
            "source_file": self.source,
            "source_sheet": self.sheet,
            "source_layout": self.layout,
            "date_order": date_order,
            "first_raw_line_id": first_raw_line_id,
            "lines": loaded.lines,
            "unreadable_lines": loaded.unreadable,
            "file_bytes": self.path.stat().st_size if self.path else None,
        }

    def load_into(
        self,
        cursor: duckdb.DuckDBPyConnection,
        table: str,
        lines_before: int,
        settings: LoadSettings,
    ) -> _Loaded:
        """Append these lines to `table`, numbered from lines_before + 1."""
        with _readable(self.path) as path:
            params: dict[str, object] = {
                "source": self.source,
                "sheet": self.sheet,
                "layout": self.layout,
            }
            # Row numbers in source order: Parquet knows them; DuckDB's CSV reader and a
            # registered sheet keep insertion order, so a window over the scan numbers them.
            row_number = "row_number() over ()"
            if self.kind == "excel":
                cursor.register("excel_sheet", _sheet_as_text(self.frame))
                scan = "excel_sheet"
            elif self.kind == "relation":
                scan = self.relation
            elif self.kind == "parquet":
                params["path"] = str(path)
                scan = "read_parquet($path, file_row_number = true)"
                row_number = "file_row_number + 1"
            else:
                params["path"] = str(path)
                params["columns"] = {name: "VARCHAR" for name in _dedupe(self.csv_header)}
                params["encoding"] = settings.encoding
                # Everything as text, no sniffing (typing and auditing are staging's job); rows
                # that do not split into the header's fields are kept aside, not padded.
                scan = (
                    "read_csv($path, header = true, all_varchar = true, delim = ',', "
                    "quote = '\"', escape = '\"', null_padding = false, auto_detect = false, "
                    "columns = $columns, encoding = $encoding, store_rejects = true)"
                )
            query = f"""
                insert into {table}
                select {self._selected_columns(cursor, scan, params)},
                       {lines_before} + {row_number} as raw_line_id,
                       $source as source_file,
                       cast($sheet as varchar) as source_sheet,
                       {row_number} as source_row_number,
                       $layout as source_layout,
                       cast(null as varchar) as date_order,
                       cast(null as varchar) as load_error
                from {scan}
            """
            try:
                inserted = int(cursor.execute(query, params).fetchone()[0])
            except duckdb.Error as error:
                raise RawInputError(f"{self.label}: {_read_error_cause(error)}") from error
            finally:
                if self.kind == "excel":
                    cursor.unregister("excel_sheet")
            if self.kind != "csv":
                return _Loaded(inserted)
            return _place_rejected_rows(
                cursor, _Span(table, self, lines_before), inserted, settings
            )

    def _selected_columns(self, cursor, scan: str, params: dict) -> str:
        """Each field's column as text; an absent optional field as null. Time-zone-aware
        Parquet timestamps become their UTC wall-clock time."""
        types = {}
        if self.kind in ("parquet", "relation"):
            described = cursor.execute(
                f"describe select * from {scan}",
                {k: v for k, v in params.items() if k == "path"},
            ).fetchall()
            types = {row[0]: row[1].upper() for row in described}
        expressions = []
        for name in FIELDS:
            column = self.mapping.get(name)
            if column is None:
                expressions.append(f'cast(null as varchar) as "{name}"')
            elif types.get(column, "").startswith("TIMESTAMP WITH TIME ZONE"):
                expressions.append(
                    f"strftime(timezone('UTC', {quote_identifier(column)}), '%Y-%m-%d %H:%M:%S') as \"{name}\""
                )
            else:
                expressions.append(f'cast({quote_identifier(column)} as varchar) as "{name}"')
        return ", ".join(expressions)


@dataclass(frozen=True)
class _Span:
    """Where a plan's lines go: the table, and how many lines earlier plans loaded."""

    table: str
    plan: _Plan
    lines_before: int


def _place_rejected_rows(
    cursor: duckdb.DuckDBPyConnection, span: _Span, inserted: int, settings: LoadSettings
) -> _Loaded:
    """Put the CSV rows DuckDB rejected back among the loaded ones, as unparseable raw lines."""
    table, plan, lines_before = span.table, span.plan, span.lines_before
    rejects = cursor.execute(
        """
        select
            line - 1 as row_number,
            any_value(error_type) as error_type,
            min(try_cast(regexp_extract(error_message, 'Found: (\\d+)', 1) as integer)) as fields,
            any_value(csv_line) as text,
            any_value(column_name) as column_name
        from reject_errors
        group by line
        order by line
        """
    ).fetchall()
    if not rejects:
        return _Loaded(inserted)
    expected = len(plan.csv_header)
    for row, error_type, _fields, _text, column in rejects:
        if error_type == "UNQUOTED VALUE":
            raise RawInputError(
                f"{plan.label}: row {row}: a quoted value opened in column {column} is never "
                "closed, so the rows after it cannot be told apart. Fix the quote and rebuild."
            )
    # Loaded row k sits at position k + (rejected rows before it); rejected row i has
    # position - i loaded rows before it.
    cursor.execute("create temporary table rejected (loaded_before bigint)")
    cursor.executemany(
        "insert into rejected values (?)",
        [(row - place,) for place, (row, *_rest) in enumerate(rejects, start=1)],
    )
    shift = "(select count(*) from rejected where loaded_before < lines.source_row_number)"
    cursor.execute(
        f"""
        update {table} as lines
        set raw_line_id = lines.raw_line_id + {shift},
            source_row_number = lines.source_row_number + {shift}
        where lines.raw_line_id between ? and ?
        """,
        [lines_before + 1, lines_before + inserted],
    )
    reasons = [
        (
            lines_before + row,
            row,
            _reject_reason(error_type, fields, expected, settings.encoding),
        )
        for row, error_type, fields, _text, _column in rejects
    ]
    cursor.executemany(
        f"""
        insert into {table} (raw_line_id, source_file, source_sheet, source_row_number,
                             source_layout, load_error)
        values (?, ?, ?, ?, ?, ?)
        """,
        [
            (line_id, plan.source, plan.sheet, row, plan.layout, reason)
            for line_id, row, reason in reasons
        ],
    )
    return _Loaded(inserted + len(rejects), len(rejects))


def _reject_reason(error_type: str, fields: int | None, expected: int, encoding: str) -> str:
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"the row has {fields} fields, the header {expected}"
    if error_type == "INVALID ENCODING":
        return (
            f"the row is not {encoding} text (set the dbt var raw_encoding to the file's "
            f"encoding: {', '.join(ENCODINGS)})"
        )
    return f"the row cannot be read ({error_type.lower()})"


def _settle_date_order(
    cursor: duckdb.DuckDBPyConnection, span: _Span, loaded: _Loaded, settings: LoadSettings
) -> str | None:
    """Settle a loaded file's date order and record it on its lines."""
    table, lines_before = span.table, span.lines_before
    bounds = f"raw_line_id between {lines_before + 1} and {lines_before + loaded.lines}"
    date_order = _date_order(
        cursor,
        f"select source_row_number, invoice_time from {table} where {bounds}",
        span.plan,
        settings,
    )
    if date_order == "day_first":
        cursor.execute(f"update {table} set date_order = 'day_first' where {bounds}")
    return date_order


def _date_order(
    cursor: duckdb.DuckDBPyConnection, lines: str, plan: _Plan, settings: LoadSettings
) -> str | None:
    """Day-first where the data proves it (a first field above 12), month-first where it proves
    that; a file proving both is an error, and so is a day-first file with a second shape of date
    (two-digit beside four-digit years) that proves nothing: reading it day-first would silently
    move those lines by months. None where nothing is proven (month-first is read).
    `lines` is a query giving one file's source_row_number and invoice_time."""
    if settings.date_format:
        return None
    shapes = cursor.execute(
        f"""
        with fields as (
            -- the first two fields of a slash-separated date (12/1/10 8:26), and its year's digits
            select
                source_row_number,
                invoice_time,
                try_cast(split_part(invoice_time, '/', 1) as integer) as first_field,
                try_cast(split_part(invoice_time, '/', 2) as integer) as second_field,
                length(split_part(split_part(trim(invoice_time), ' ', 1), '/', 3)) as year_digits
            from ({lines})
            where contains(invoice_time, '/')
        )
        select
            min(source_row_number) filter (where first_field > 12),
            arg_min(invoice_time, source_row_number) filter (where first_field > 12),
            min(source_row_number) filter (where second_field > 12),
            arg_min(invoice_time, source_row_number) filter (where second_field > 12),
            min(source_row_number),
            arg_min(invoice_time, source_row_number)
        from fields
        group by year_digits
        order by year_digits
        """
    ).fetchall()
    days = [(row, text) for row, text, *_ in shapes if row is not None]
    months = [(row, text) for _, _, row, text, *_ in shapes if row is not None]
    fix = (
        "Set the dbt var raw_date_format to the file's formats, one per shape, two-digit years "
        "first, e.g. ['%m/%d/%y %H:%M', '%d/%m/%Y %H:%M']."
    )
    if days and months:
        (day_row, day_text), (month_row, month_text) = min(days), min(months)
        raise RawInputError(
            f"{plan.label}: dates are day-first on some rows (row {day_row}: {day_text}) and "
            f"month-first on others (row {month_row}: {month_text}). {fix}"
        )
    if days and len(days) < len(shapes):
        day_row, day_text = min(days)
        unproven_row, unproven_text = next(
            (row, text) for first, _, _, _, row, text in shapes if first is None
        )
        raise RawInputError(
            f"{plan.label}: dates come in two shapes: row {day_row} ({day_text}) is day-first, "
            f"but nothing shows which way round row {unproven_row}'s shape ({unproven_text}) is. "
            f"{fix}"
        )
    if days:
        return "day_first"
    return "month_first" if months else None


def _plan_file(path: Path, settings: LoadSettings) -> list[_Plan]:
    name = path.name.lower()
    if name.endswith(".xlsx"):
        return _plan_excel(path, settings)
    if name.endswith(".parquet"):
        layout, mapping = settings.layouts.match(_parquet_header(path), str(path))
        return [_Plan(str(path), None, mapping, layout, kind="parquet", path=path)]
    header = _csv_header(path, settings.encoding)
    layout, mapping = settings.layouts.match(header, str(path))
    return [_Plan(str(path), None, mapping, layout, kind="csv", path=path, csv_header=header)]


def _csv_header(path: Path, encoding: str) -> list[str]:
    """The header row, decoded on its own: a bad byte further down is the rows' business."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            # at most 1 MB: a file saved by Excel for Mac ends its lines with a carriage return
            # alone, so without a line feed the whole file is one "line"
            first = handle.readline(1 << 20)
            if encoding == "utf-16":  # two bytes a character: the newline's second byte follows
                first += handle.read(1)
            if b"\n" not in first:
                first = first.split(b"\r", 1)[0]
    except (OSError, EOFError) as error:
        raise RawInputError(f"{path}: cannot be read as CSV ({error}).") from error
    try:
        text = first.decode(ENCODINGS[encoding])
    except UnicodeDecodeError as error:
        raise RawInputError(
            f"{path}: the header is not {encoding} text; set the dbt var raw_encoding to the "
            f"file's encoding ({', '.join(ENCODINGS)})."
        ) from error
    if not text.strip():
        raise RawInputError(f"{path}: the first line is empty; expected a header.")
    return next(csv.reader(io.StringIO(text, newline="")))


def _parquet_header(path: Path) -> list[str]:
    # pyarrow.parquet is imported only for Parquet exports.
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as error:
        raise RawInputError(f"{path}: cannot be read as Parquet ({error}).") from error


def _plan_excel(path: Path, settings: LoadSettings) -> list[_Plan]:
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
        layout, mapping = settings.layouts.match([str(c) for c in frame.columns], label)
        plans.append(
            _Plan(str(path), str(sheet), mapping, layout, kind="excel", path=path, frame=frame)
        )
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


@contextmanager
def _readable(path: Path | None) -> Iterator[Path | None]:
    """The path, or a link to it without glob characters, which DuckDB's readers would expand."""
    if not _has_glob(path):
        yield path
        return
    with tempfile.TemporaryDirectory() as directory:
        link = Path(directory) / GLOB_CHARACTERS.sub("_", path.name)
        link.symlink_to(path.resolve())
        yield link


def _read_error_cause(error: Exception) -> str:
    """What went wrong reading a file, in one line."""
    message = str(error)
    if "GZIP" in message.upper():
        return "the gzip stream ends too early or is damaged (an interrupted download or copy?)."
    if "unicode" in message.lower() or "encoding" in message.lower():
        return "not readable in the given encoding; set the dbt var raw_encoding (utf-8, latin-1 or utf-16)."
    row = re.search(r"Line: (\d+)", message)
    where = f"row {int(row.group(1)) - 1}: " if row else ""
    return f"cannot be read: {where}{_first_line(error)}"


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


def quote_identifier(identifier: str) -> str:
    """An SQL identifier, double-quoted (the loader's column names and the plugin's table)."""
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def _has_glob(path: Path | None) -> bool:
    return path is not None and GLOB_CHARACTERS.search(str(path)) is not None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
