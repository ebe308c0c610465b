"""What every reader is: one file, Excel sheet or relation whose layout is known, which appends
its lines to the raw lines table as text, numbered in source order."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import duckdb

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.layouts import FIELDS
from shopper_spectrum.ingest.settings import LoadSettings
from shopper_spectrum.ingest.sql_text import literal, quote_identifier, read_error_cause

# Characters DuckDB's readers expand as a glob, even in the name of a file that exists.
GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")


@dataclass(frozen=True)
class Loaded:
    """What a reader appended: its lines, of which `unreadable` are kept only as a load error."""

    lines: int
    unreadable: int = 0


@dataclass(frozen=True)
class Span:
    """Where a reader's lines go: the table, and how many lines earlier readers loaded."""

    table: str
    reader: Reader
    lines_before: int


@dataclass(frozen=True)
class ScanQuery:
    """What a reader's scan reads with: the cursor, the file (or a link to it whose name has no
    glob characters), the settings, and the query's parameters, which the scan may add to."""

    cursor: duckdb.DuckDBPyConnection
    path: Path | None
    params: dict
    settings: LoadSettings


# eq=False: an Excel reader holds a DataFrame, which does not compare to a single bool.
@dataclass(frozen=True, eq=False)
class Reader:
    """One source of raw lines. A format says where its rows come from (`scan`), how they are
    numbered, whether its columns carry types, and what else it accounts for after the insert."""

    source: str
    sheet: str | None
    mapping: dict[str, str]  # field -> column name as the source spells it
    layout: str
    path: Path | None = None

    # Row numbers in source order: DuckDB's CSV reader and a registered sheet keep insertion
    # order, so a window over the scan numbers them; Parquet knows them (file_row_number).
    row_number: ClassVar[str] = "row_number() over ()"
    # Whether the source's columns have types of their own (time-zone-aware timestamps).
    typed_columns: ClassVar[bool] = False

    @property
    def label(self) -> str:
        return f"{self.source} [sheet {self.sheet}]" if self.sheet else self.source

    def scan(self, query: ScanQuery) -> str:
        """The table expression the rows are selected from; may add query parameters."""
        raise NotImplementedError

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Undo what `scan` set up on the cursor."""

    def account(
        self, cursor: duckdb.DuckDBPyConnection, span: Span, inserted: int, settings: LoadSettings
    ) -> Loaded:
        """After the insert: the lines loaded, counting any the scan could not read."""
        return Loaded(inserted)

    def manifest_row(self, first_raw_line_id: int, loaded: Loaded, date_order: str | None) -> dict:
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
    ) -> Loaded:
        """Append these lines to `table`, numbered from lines_before + 1."""
        with readable(self.path) as path:
            params: dict[str, object] = {}
            scan = self.scan(ScanQuery(cursor, path, params, settings))
            columns = self.selected_columns(cursor, scan)
            query = f"insert into {table} {self.lines_query(columns, scan, lines_before, None)}"
            try:
                inserted = int(cursor.execute(query, params or None).fetchone()[0])
            except duckdb.Error as error:
                raise RawInputError(f"{self.label}: {read_error_cause(error)}") from error
            finally:
                self.release(cursor)
            return self.account(cursor, Span(table, self, lines_before), inserted, settings)

    def lines_query(
        self, columns: str, scan: str, lines_before: int, date_order: str | None
    ) -> str:
        """The select of these lines in the raw lines' columns, numbered from lines_before + 1:
        what load_into inserts, and an all-Parquet export's view (loader) selects."""
        return f"""select {columns},
                   {lines_before} + {self.row_number} as raw_line_id,
                   {literal(self.source)} as source_file,
                   cast({literal(self.sheet)} as varchar) as source_sheet,
                   {self.row_number} as source_row_number,
                   {literal(self.layout)} as source_layout,
                   cast({literal(date_order)} as varchar) as date_order,
                   cast(null as varchar) as load_error
            from {scan}"""

    def selected_columns(self, cursor: duckdb.DuckDBPyConnection, scan: str) -> str:
        """Each field's column as text; an absent optional field as null. Time-zone-aware
        timestamps become their UTC wall-clock time."""
        types = {}
        if self.typed_columns:
            described = cursor.execute(f"describe select * from {scan}").fetchall()
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


def has_glob(path: Path | None) -> bool:
    return path is not None and GLOB_CHARACTERS.search(str(path)) is not None


@contextmanager
def readable(path: Path | None) -> Iterator[Path | None]:
    """The path, or a link to it without glob characters, which DuckDB's readers would expand."""
    if not has_glob(path):
        yield path
        return
    with tempfile.TemporaryDirectory() as directory:
        link = Path(directory) / GLOB_CHARACTERS.sub("_", path.name)
        link.symlink_to(path.resolve())
        yield link
