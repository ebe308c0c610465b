"""dbt-duckdb source plugin: `meta: {plugin: raw_exports, raw_path: ..., lines_table: ...}`.

Resolving the plugin's source (the file manifest) loads the raw lines into `lines_table`, a
table beside it in the build's own database, with DuckDB's readers, so no line passes through
Python; the manifest it returns (one row per file or sheet) becomes the source table itself.
Only files added since the last build are read (the last manifest, kept by the load_raw_exports
hook as <manifest>__previous, says which are loaded: increments.plan_load).
"""

from __future__ import annotations

import re
import weakref

import duckdb
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import SourceConfig
from dbt.adapters.events.logging import AdapterLogger
from dbt_common.exceptions import DbtRuntimeError

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.increments import StampedFile, plan_load, settings_text
from shopper_spectrum.ingest.layouts import Layouts
from shopper_spectrum.ingest.loader import load_raw_exports, load_raw_relation
from shopper_spectrum.ingest.settings import LoadSettings
from shopper_spectrum.ingest.sql_text import quote_identifier

LOGGER = AdapterLogger("raw_exports")
# The source meta keys that change how lines are read (or staged): a change reloads every file.
READ_SETTINGS = (
    "raw_relation",
    "raw_layouts",
    "raw_columns",
    "raw_header_ignored_characters",
    "raw_encoding",
    "raw_date_format",
    "basket_rule",
)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self._connection: weakref.ref | None = None

    def update_connection_config(self, creds, config: dict) -> None:
        """Before dbt opens the database: if another process holds it, say so in one line (DuckDB
        allows one writer per file) instead of the page of traceback dbt would print."""
        path = str(getattr(creds, "path", "") or "")
        if path in ("", ":memory:") or path.startswith("md:"):
            return
        try:
            duckdb.connect(path, config=dict(config)).close()
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            holder = re.search(r"held in (.+?)\.? See also", str(error))
            raise DbtRuntimeError(
                f"The database {path} is open in another process"
                f"{' (' + holder.group(1) + ')' if holder else ''}: DuckDB lets one process write "
                "a file at a time. Close that connection (a DuckDB shell, a notebook) and build again."
            ) from None

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        # The database dbt builds: the raw lines are loaded into it, not copied from elsewhere.
        self._connection = weakref.ref(conn)

    def load(self, source_config: SourceConfig) -> pa.Table:
        raw_path = source_config.get("raw_path")
        raw_relation = source_config.get("raw_relation")
        lines_table = source_config.get("lines_table")
        if (raw_path is None and raw_relation is None) or lines_table is None:
            raise DbtRuntimeError(
                f"source {source_config.name}.{source_config.identifier} uses the raw_exports "
                "plugin but does not set meta.lines_table and meta.raw_path or meta.raw_relation"
            )
        connection = self._connection() if self._connection else None
        if connection is None:
            raise DbtRuntimeError("the raw_exports plugin has no database connection to load into")
        qualified, previous_manifest = (
            ".".join(
                quote_identifier(part)
                for part in (source_config.database, source_config.schema, name)
                if part
            )
            for name in (str(lines_table), f"{source_config.identifier}__previous")
        )
        # dbt-duckdb names the manifest table in unquoted SQL after load() returns, which breaks
        # on a database named after a file like shop-2011.duckdb. Left unqualified it lands in the
        # connection's default catalog, which is the build's database.
        source_config.database = None
        try:
            settings = LoadSettings(
                layouts=Layouts.from_vars(
                    source_config.get("raw_layouts") or {},
                    source_config.get("raw_columns"),
                    source_config.get("raw_header_ignored_characters") or " _\t\ufeff",
                ),
                encoding=str(source_config.get("raw_encoding") or "utf-8").lower(),
                date_format=source_config.get("raw_date_format") or None,
            )
            read_with = settings_text({key: source_config.get(key) for key in READ_SETTINGS})
            if raw_relation:
                return load_raw_relation(
                    connection, str(raw_relation), qualified, settings, read_with
                )
            plan = plan_load(
                StampedFile.listed(str(raw_path)),
                _rows(connection, previous_manifest),
                read_with,
                _exists(connection, source_config.schema, str(lines_table)),
            )
            if plan.reload_reason:
                LOGGER.info(plan.reload_reason)
            manifest = load_raw_exports(connection, plan, qualified, settings, read_with)
            connection.execute(f"drop table if exists {previous_manifest}")
            return manifest
        except RawInputError as error:
            # dbt prints a DbtRuntimeError as one readable line instead of a traceback.
            raise DbtRuntimeError(f"Raw input error: {error}") from None


def _rows(connection: duckdb.DuckDBPyConnection, relation: str) -> list[dict] | None:
    """The rows of a small table, or None where it does not exist."""
    cursor = connection.cursor()
    try:
        result = cursor.execute(f"select * from {relation}")
        names = [column[0] for column in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    except duckdb.CatalogException:
        return None
    finally:
        cursor.close()


def _exists(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the table or view exists in the build's database (a view over Parquet files is
    not bound, so no file is opened)."""
    cursor = connection.cursor()
    try:
        return bool(
            cursor.execute(
                "select count(*) from information_schema.tables"
                " where table_catalog = current_database() and table_schema = ? and table_name = ?",
                [schema, name],
            ).fetchone()[0]
        )
    finally:
        cursor.close()
