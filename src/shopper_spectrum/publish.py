"""Publishing the viewer's tables as a new read-only DuckDB file after each build.

A DuckDB file has one writer or many readers, so a viewer reading the build's own file would make
the next `dbt build` fail to get its lock. Instead every build copies the tables the viewer needs
into a new file (`<database>.viewer/<stem>-<UTC time>.duckdb`), written under a temporary name and
renamed when complete. Published files are never modified: the viewer opens the newest one, a
rebuild never waits for it, and the viewer switches to the new file when it appears.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

SNAPSHOT_SUFFIX = ".duckdb"
KEEP_SNAPSHOTS = 3
# Tables the viewer looks up by customer are stored in that order: DuckDB skips row groups whose
# min/max cannot hold the key, so one customer's rows are read from a few row groups, not all.
# The history is ordered by month first, as the movement page reads one or two months of it.
LOOKUP_ORDER = {
    "fct_customer_segment_history": "months_back, customer_id",
    "fct_customer_rfm": "customer_id",
    "customer_segments": "customer_id",
    "customer_recommendations": "customer_id, rank",
}


def snapshot_dir(database_path: str | Path) -> Path:
    path = Path(database_path)
    return path.with_name(path.stem + ".viewer")


def published_snapshots(database_path: str | Path) -> list[Path]:
    """Complete snapshots of a database, newest first."""
    directory = snapshot_dir(database_path)
    if not directory.is_dir():
        return []
    found = [
        p for p in directory.iterdir() if p.suffix == SNAPSHOT_SUFFIX and not p.name.startswith(".")
    ]
    return sorted(found, key=lambda p: p.name, reverse=True)


def publish_snapshot(
    session: duckdb.DuckDBPyConnection, schema: str, tables: list[str]
) -> pd.DataFrame:
    """Copy `tables` (and the predict_segment macro) from the session's database to a new file."""
    database, path = session.execute(
        "select database_name, path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    published_at = datetime.now(UTC)
    if not path:
        return pd.DataFrame(
            {"snapshot_path": [None], "published_at": [published_at], "tables": [0]}
        )
    directory = snapshot_dir(path)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{Path(path).stem}-{published_at:%Y%m%dT%H%M%S%fZ}{SNAPSHOT_SUFFIX}"
    partial = directory / f".{final.name}.partial"
    session.execute("attach ? as viewer_snapshot", [str(partial)])
    try:
        for table in tables:
            order = f" order by {LOOKUP_ORDER[table]}" if table in LOOKUP_ORDER else ""
            session.execute(
                f'create table viewer_snapshot.main."{table}" as '
                f'select * from "{database}"."{schema}"."{table}"{order}'
            )
        _copy_macros(session, database)
        session.execute(
            "create table viewer_snapshot.main.build_info as "
            "select ?::timestamptz as published_at, ? as source_database, ? as tables_published",
            [published_at, str(path), len(tables)],
        )
    finally:
        session.execute("detach viewer_snapshot")
    os.replace(partial, final)
    _prune(directory)
    return pd.DataFrame(
        {"snapshot_path": [str(final)], "published_at": [published_at], "tables": [len(tables)]}
    )


def _copy_macros(session: duckdb.DuckDBPyConnection, database: str) -> None:
    """Macros the build created (predict_segment), re-created in the snapshot from their definitions."""
    macros = session.execute(
        "select function_name, parameters, macro_definition from duckdb_functions() "
        "where database_name = ? and function_type = 'macro' and not internal",
        [database],
    ).fetchall()
    for name, parameters, definition in macros:
        session.execute(
            f"create macro viewer_snapshot.main.{name}({', '.join(parameters)}) as {definition}"
        )


def _prune(directory: Path) -> None:
    """Keep the newest few snapshots (an open viewer keeps reading a deleted file until it switches)."""
    snapshots = sorted(
        (p for p in directory.glob(f"*{SNAPSHOT_SUFFIX}") if not p.name.startswith(".")),
        reverse=True,
    )
    for old in snapshots[KEEP_SNAPSHOTS:]:
        old.unlink(missing_ok=True)
    for partial in directory.glob(".*.partial"):
        if partial.stat().st_mtime < datetime.now().timestamp() - 3600:
            partial.unlink(missing_ok=True)
