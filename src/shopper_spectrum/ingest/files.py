"""Which files the dbt var raw_path names."""

from __future__ import annotations

import glob
from pathlib import Path

from shopper_spectrum.ingest.errors import RawInputError

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")


def resolve_raw_files(raw_path: str, base_dir: str | Path = ".") -> list[Path]:
    """The files `raw_path` names (a file or a glob), in a stable order, or a clear error.

    A path that exists is that file, even when its name holds glob characters (export[1].csv).
    """
    if not raw_path or not str(raw_path).strip():
        raise RawInputError("The dbt var raw_path is empty: set it to a file or a glob of files.")
    pattern = Path(raw_path).expanduser()
    if not pattern.is_absolute():
        pattern = Path(base_dir) / pattern
    if pattern.is_file():
        files = [pattern]
    else:
        files = [
            p
            for p in sorted(Path(p) for p in glob.glob(str(pattern), recursive=True))
            if p.is_file()
        ]
    if not files:
        raise RawInputError(
            f"raw_path {raw_path!r} matches no file (looked for {pattern}). "
            "Point the dbt var at an export, e.g. "
            "dbt build --vars '{raw_path: path/to/online_retail.csv.gz}'"
        )
    unsupported = [p for p in files if not p.name.lower().endswith(SUPPORTED_SUFFIXES)]
    if unsupported:
        raise RawInputError(
            f"{unsupported[0]}: unsupported file type. raw_path may match only "
            f"{', '.join(SUPPORTED_SUFFIXES)} files."
        )
    for path in files:
        if path.stat().st_size == 0:
            raise RawInputError(
                f"{path}: the file is empty (0 bytes); expected a header and lines."
            )
    return files
