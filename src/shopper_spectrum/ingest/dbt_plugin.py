"""dbt-duckdb source plugin: `meta: {plugin: raw_exports, raw_path: ..., lines_table: ...}`.

Resolving the plugin's source (the file manifest) loads every raw line into `lines_table`, a
table beside it in the build's own database, with DuckDB's readers, so no line passes through
Python; the manifest it returns (one row per file or sheet) becomes the source table itself.
"""

from __future__ import annotations

import importlib
import threading
import weakref

import duckdb
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import SourceConfig
from dbt_common.exceptions import DbtRuntimeError

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers import load_raw_exports


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self._connection: weakref.ref | None = None

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        # The database dbt builds: the raw lines are loaded into it, not copied from elsewhere.
        self._connection = weakref.ref(conn)
        _prefetch_python_model_libraries()

    def load(self, source_config: SourceConfig) -> pa.Table:
        raw_path = source_config.get("raw_path")
        lines_table = source_config.get("lines_table")
        if raw_path is None or lines_table is None:
            raise DbtRuntimeError(
                f"source {source_config.name}.{source_config.identifier} uses the raw_exports "
                "plugin but does not set meta.raw_path and meta.lines_table"
            )
        connection = self._connection() if self._connection else None
        if connection is None:
            raise DbtRuntimeError("the raw_exports plugin has no database connection to load into")
        qualified = ".".join(
            _quote(part)
            for part in (source_config.database, source_config.schema, str(lines_table))
            if part
        )
        try:
            return load_raw_exports(connection, str(raw_path), qualified)
        except RawInputError as error:
            # dbt prints a DbtRuntimeError as one readable line instead of a traceback.
            raise DbtRuntimeError(f"Raw input error: {error}") from None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# dbt-duckdb runs the Python models in this process. Their libraries take about two seconds to
# import; importing them on a background thread while the SQL models run (DuckDB releases the
# GIL) keeps that off the build's critical path. A model importing one of them meanwhile waits
# for the import to finish, as Python's import locks make it.
PYTHON_MODEL_LIBRARIES = ("pandas", "scipy.sparse", "sklearn.cluster", "sklearn.metrics")
_prefetch_started = threading.Event()


def _prefetch_python_model_libraries() -> None:
    if _prefetch_started.is_set():
        return
    _prefetch_started.set()

    def prefetch() -> None:
        for module in PYTHON_MODEL_LIBRARIES:
            try:
                importlib.import_module(module)
            except Exception:  # a failed warm-up leaves the model's own import to report it
                return

    threading.Thread(target=prefetch, name="python-model-imports", daemon=True).start()
