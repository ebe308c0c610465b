"""A table or view already in the warehouse (var raw_relation), selected from in place."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers.base import Reader, ScanQuery
from shopper_spectrum.ingest.settings import LoadSettings
from shopper_spectrum.ingest.sql_text import first_line


@dataclass(frozen=True, eq=False)
class RelationReader(Reader):
    typed_columns = True

    @classmethod
    def for_relation(
        cls, cursor: duckdb.DuckDBPyConnection, relation: str, settings: LoadSettings
    ) -> RelationReader:
        try:
            described = cursor.execute(f"describe select * from {relation}").fetchall()
        except duckdb.Error as error:
            raise RawInputError(
                f"raw_relation {relation}: no such table or view here ({first_line(error)})."
            ) from error
        header = [row[0] for row in described]
        layout, mapping = settings.layouts.match(header, f"raw_relation {relation}")
        return cls(relation, None, mapping, layout)

    def scan(self, query: ScanQuery) -> str:
        return self.source
