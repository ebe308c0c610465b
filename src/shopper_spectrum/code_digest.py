"""dbt-duckdb plugin `code_digest`: tells the build which code its Python models run.

A model is kept from the last build while its inputs are unchanged (dbt_project/macros/
kept_models); a Python model's inputs include the shopper_spectrum code it imports and the
libraries that code calls. The plugin registers `shopper_spectrum_code_digest()`, a digest of
both, on the build's connection. Without the plugin every Python model is built every time.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

# What the Python models compute with, beside shopper_spectrum itself.
LIBRARIES = ("duckdb", "numpy", "pandas", "pyarrow", "scikit-learn", "scipy")


def digest_of_code(directory: Path) -> str:
    """A digest of every Python file under directory: names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def python_models_code_digest() -> str:
    versions = "|".join(f"{name}={metadata.version(name)}" for name in LIBRARIES)
    return hashlib.sha256(
        (digest_of_code(Path(__file__).parent) + "|" + versions).encode()
    ).hexdigest()


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        digest = python_models_code_digest()
        conn.create_function(
            "shopper_spectrum_code_digest", lambda: digest, [], "VARCHAR", side_effects=False
        )
