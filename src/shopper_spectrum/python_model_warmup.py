"""dbt-duckdb plugin `python_model_warmup`: imports the Python models' libraries on a background
thread as the build opens its database.

dbt-duckdb runs the Python models in dbt's own process, and their libraries take about two
seconds to import. Importing them while the SQL models run (DuckDB releases the GIL) keeps that
off the build's critical path; a model importing one of them meanwhile waits for the import to
finish, as Python's import locks make it. The plugin does nothing else: drop it from the profile
and the build is the same, two seconds slower.
"""

from __future__ import annotations

import importlib
import threading

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

PYTHON_MODEL_LIBRARIES = ("pandas", "scipy.sparse", "sklearn.cluster", "sklearn.metrics")
_started = threading.Event()


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        if _started.is_set():
            return
        _started.set()
        threading.Thread(target=_import_all, name="python-model-imports", daemon=True).start()


def _import_all() -> None:
    for module in PYTHON_MODEL_LIBRARIES:
        try:
            importlib.import_module(module)
        except Exception:  # a failed warm-up leaves the model's own import to report it
            return
