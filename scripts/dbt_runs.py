"""How the scripts run dbt: this interpreter's dbt, into a given DuckDB file, output discarded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DBT = str(Path(sys.executable).with_name("dbt"))


def run_dbt(arguments: list[str], database: Path, cwd: Path) -> None:
    """`dbt <arguments>` in `cwd`, building into `database` (SHOPPER_SPECTRUM_DB); raises if it fails."""
    subprocess.run(
        [DBT, *arguments],
        cwd=cwd,
        env={
            **os.environ,
            "SHOPPER_SPECTRUM_DB": str(database),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        check=True,
        stdout=subprocess.DEVNULL,
    )
