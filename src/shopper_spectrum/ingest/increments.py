"""What a build reads: only the files added since the last build, or every file again.

The last build's manifest (one row per file or Excel sheet, with the file's size and modified
time and the settings it was read with) says what is already loaded. Files are only listed and
stat-ed here, never opened. Appending is safe when every loaded file is still there unchanged, the
settings are the same and every new file sorts after the loaded ones (line ids follow the files'
order, as in a fresh build); anything else reloads every file, and `reload_reason` says why in one
line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from shopper_spectrum.ingest.files import resolve_raw_files
from shopper_spectrum.ingest.readers import has_glob

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class StampedFile:
    """A file as listed: its path as raw_path matched it, its size and modified time."""

    path: Path
    file_bytes: int
    modified_at: datetime  # UTC, to the microsecond (a DuckDB timestamp)

    @classmethod
    def of(cls, path: Path) -> StampedFile:
        status = path.stat()
        modified = EPOCH + timedelta(microseconds=status.st_mtime_ns // 1000)
        return cls(path, status.st_size, modified)

    @classmethod
    def listed(cls, raw_path: str, base_dir: str | Path = ".") -> list[StampedFile]:
        """Every file raw_path names, in load order, stamped."""
        return [cls.of(path) for path in resolve_raw_files(raw_path, base_dir)]


@dataclass(frozen=True)
class LoadPlan:
    """The files to read now (in load order) after the manifest rows kept from the last build."""

    to_read: list[StampedFile]
    kept: list[dict] = field(default_factory=list)
    reload_reason: str | None = None

    @property
    def lines_before(self) -> int:
        return max((row["first_raw_line_id"] + row["lines"] - 1 for row in self.kept), default=0)

    @property
    def appends(self) -> bool:
        return bool(self.kept)


def settings_text(settings: dict) -> str:
    """The settings that change how lines are read, as the manifest records them."""
    return json.dumps(settings, sort_keys=True, default=str)


def is_viewed(paths: list[Path]) -> bool:
    """An export made only of Parquet files is read in place through a view (loader)."""
    return bool(paths) and all(
        path.name.lower().endswith(".parquet") and not has_glob(path) for path in paths
    )


def plan_load(
    files: list[StampedFile], previous: list[dict], settings: str, lines_table_exists: bool
) -> LoadPlan:
    """Append the new files to the last build's lines, or say why every file is read again."""
    if not previous or not lines_table_exists:
        return LoadPlan(files)
    reason = _reload_reason(files, previous, settings)
    if reason:
        return LoadPlan(files, reload_reason=f"raw_exports: {reason}; every file is read again.")
    loaded = {row["source_file"] for row in previous}
    return LoadPlan([f for f in files if str(f.path) not in loaded], kept=previous)


def _reload_reason(files: list[StampedFile], previous: list[dict], settings: str) -> str | None:
    changed = _changed_settings(json.loads(previous[0].get("load_settings") or "{}"), settings)
    if changed:
        return f"the settings lines are read with changed since the last build ({changed})"
    listed = {str(f.path): f for f in files}
    for row in previous:
        reason = _file_change(row, listed.get(row["source_file"]))
        if reason:
            return f"{row['source_file']} {reason}"
    loaded_files = {row["source_file"] for row in previous}
    loaded = [f for f in files if str(f.path) in loaded_files]
    new = [f for f in files if str(f.path) not in loaded_files]
    if new and files.index(new[0]) < files.index(loaded[-1]):
        return (
            f"{new[0].path} sorts before {loaded[-1].path}, which is loaded already "
            "(lines are numbered in the files' order)"
        )
    if new and is_viewed([f.path for f in files]) != is_viewed([f.path for f in loaded]):
        return f"{new[0].path} changes how the export is read (Parquet alone is read in place)"
    return None


def _file_change(row: dict, now: StampedFile | None) -> str | None:
    """How a loaded file (its manifest row) differs from the file as listed now, if it does."""
    if now is None:
        return "is gone since the last build"
    if now.file_bytes != row["file_bytes"]:
        return f"changed since the last build ({row['file_bytes']:,} bytes, now {now.file_bytes:,})"
    before = row.get("file_modified_at")
    if now.modified_at != before:
        shown = "%Y-%m-%d %H:%M:%S"
        return (
            f"changed since the last build (modified {before:{shown}}, "
            f"now {now.modified_at:{shown}})"
        )
    return None


def _changed_settings(before: dict, settings: str) -> str:
    now = json.loads(settings)
    return ", ".join(
        sorted(name for name in before.keys() | now.keys() if before.get(name) != now.get(name))
    )
