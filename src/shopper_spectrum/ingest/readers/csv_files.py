"""CSV and gzipped CSV, read by DuckDB itself straight into the table (no row passes through
Python). A row DuckDB cannot split into the header's fields (too few or too many, or bytes that
are not text in the file's encoding) is kept as a raw line of its own, with the reason in
load_error, so staging audits it as unparseable."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers.base import Loaded, Reader, ScanQuery, Span
from shopper_spectrum.ingest.settings import ENCODINGS, LoadSettings


# eq=False, as the base.
@dataclass(frozen=True, eq=False)
class CsvReader(Reader):
    header: list[str] = field(default_factory=list)

    @classmethod
    def for_file(cls, path: Path, settings: LoadSettings) -> CsvReader:
        header = csv_header(path, settings.encoding)
        layout, mapping = settings.layouts.match(header, str(path))
        return cls(str(path), None, mapping, layout, path=path, header=header)

    def scan(self, query: ScanQuery) -> str:
        query.params["path"] = str(query.path)
        query.params["columns"] = {name: "VARCHAR" for name in _dedupe(self.header)}
        query.params["encoding"] = query.settings.encoding
        # Everything as text, no sniffing (typing and auditing are staging's job); rows that do
        # not split into the header's fields are kept aside, not padded.
        return (
            "read_csv($path, header = true, all_varchar = true, delim = ',', "
            "quote = '\"', escape = '\"', null_padding = false, auto_detect = false, "
            "columns = $columns, encoding = $encoding, store_rejects = true)"
        )

    def account(
        self, cursor: duckdb.DuckDBPyConnection, span: Span, inserted: int, settings: LoadSettings
    ) -> Loaded:
        return _place_rejected_rows(cursor, span, inserted, settings)


def csv_header(path: Path, encoding: str) -> list[str]:
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


def _place_rejected_rows(
    cursor: duckdb.DuckDBPyConnection, span: Span, inserted: int, settings: LoadSettings
) -> Loaded:
    """Put the rows DuckDB rejected back among the loaded ones, as unparseable raw lines."""
    table, reader, lines_before = span.table, span.reader, span.lines_before
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
        return Loaded(inserted)
    expected = len(reader.header)
    for row, error_type, _fields, _text, column in rejects:
        if error_type == "UNQUOTED VALUE":
            raise RawInputError(
                f"{reader.label}: row {row}: a quoted value opened in column {column} is never "
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
    cursor.executemany(
        f"""
        insert into {table} (raw_line_id, source_file, source_sheet, source_row_number,
                             source_layout, load_error)
        values (?, ?, ?, ?, ?, ?)
        """,
        [
            (
                lines_before + row,
                reader.source,
                reader.sheet,
                row,
                reader.layout,
                _reject_reason(error_type, fields, expected, settings.encoding),
            )
            for row, error_type, fields, _text, _column in rejects
        ],
    )
    return Loaded(inserted + len(rejects), len(rejects))


def _reject_reason(error_type: str, fields: int | None, expected: int, encoding: str) -> str:
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"the row has {fields} fields, the header {expected}"
    if error_type == "INVALID ENCODING":
        return (
            f"the row is not {encoding} text (set the dbt var raw_encoding to the file's "
            f"encoding: {', '.join(ENCODINGS)})"
        )
    return f"the row cannot be read ({error_type.lower()})"


def _dedupe(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        names.append(name if count == 0 else f"{name}_{count}")
        seen[name] = count + 1
    return names
