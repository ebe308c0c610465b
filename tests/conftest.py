"""Shared fixtures: dbt builds into throw-away DuckDB files, and the real UCI slice when present."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from shopper_spectrum.ingest import Layouts, LoadSettings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EXPORT = PROJECT_ROOT / "dbt_project" / "sample_data" / "online_retail_sample.csv.gz"
REAL_SLICE = PROJECT_ROOT.parent / "shared" / "data" / "online_retail_2010-12_2011-06.csv.gz"
DBT = Path(sys.executable).with_name("dbt")
# Every build of one test run treats the same day as today (var build_date), so that builds
# compared with one another date lines alike even when the run passes midnight.
TEST_RUN_DAY = datetime.now(UTC).date().isoformat()


def project_load_settings(raw_columns: dict | None = None, **overrides) -> LoadSettings:
    """The loader's settings as the project's dbt vars give them (one definition of the layouts)."""
    project_vars = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
    layouts = Layouts.from_vars(
        project_vars["raw_layouts"], raw_columns, project_vars["raw_header_ignored_characters"]
    )
    return LoadSettings(layouts=layouts, **overrides)


@dataclass
class DbtBuild:
    """The outcome of one `dbt build`: its output and the DuckDB file it wrote."""

    returncode: int
    output: str
    database: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def frame(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql).df()

    def manifest(self) -> dict:
        """The manifest dbt wrote for this build."""
        return json.loads((self.database.parent / "target" / "manifest.json").read_text())

    def manifest_config(self, model: str) -> dict:
        """The config dbt gave a model in this build (its manifest), as dbt.config.get reads it."""
        return self.manifest()["nodes"][f"model.shopper_spectrum.{model}"]["config"]

    def compiled_test(self, model: str, name_prefix: str) -> str:
        """The SQL this build ran for the data test of `model` whose name starts with name_prefix."""
        return next(
            node["compiled_code"]
            for node in self.manifest()["nodes"].values()
            if node.get("attached_node") == f"model.shopper_spectrum.{model}"
            and node["name"].startswith(name_prefix)
        )

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]

    def predict_segment_disagreements(self) -> int:
        """Customers whose SQL predict_segment differs from the Python model's segment."""
        return self.scalar(
            "select count(*) from customer_segments"
            " where predict_segment(recency_days, frequency, monetary) is distinct from segment"
        )


def run_dbt(
    workdir: Path,
    raw_path: str | Path | None = None,
    extra_vars: dict | None = None,
    command: str = "build",
    *,
    target: str | None = None,
    select: str | None = None,
    database_name: str = "build.duckdb",
    flags: list[str] | None = None,
) -> DbtBuild:
    """Run dbt from the project root into workdir/<database_name> (or, with target spark, into a
    local Spark warehouse under workdir/spark), with its own target and logs."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / database_name
    variables = {"build_date": TEST_RUN_DAY, **(extra_vars or {})}
    if raw_path is not None:
        variables["raw_path"] = str(raw_path)
    args = [
        str(DBT),
        command,
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--project-dir",
        str(PROJECT_ROOT),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
        *(flags or []),
    ]
    args += ["--vars", json.dumps(variables)]
    if target is not None:
        args += ["--target", target]
    if select is not None:
        # Only the tests whose every parent is selected: a part of the DAG builds on its own.
        args += ["--select", select, "--indirect-selection", "cautious"]
    env = {
        **os.environ,
        "SHOPPER_SPECTRUM_DB": str(database),
        "SHOPPER_SPECTRUM_SPARK_DIR": str(workdir / "spark"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    return DbtBuild(result.returncode, result.stdout + result.stderr, database)


def assert_built(build: DbtBuild) -> DbtBuild:
    assert build.returncode == 0, build.output[-4000:]
    return build


@contextmanager
def scratch_directory(tmp_path_factory, name: str) -> Iterator[Path]:
    """A module's own directory, removed when its fixture ends: pytest otherwise keeps every
    module's builds (about 25 MB each) until the whole run ends, more than a small CI disk holds."""
    directory = tmp_path_factory.mktemp(name)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> DbtBuild:
    """The committed sample, built once with the project's defaults (no vars)."""
    return assert_built(run_dbt(tmp_path_factory.mktemp("sample_build")))


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> DbtBuild:
    """The real UCI Online Retail slice from ../shared/data, built once."""
    if not REAL_SLICE.exists():
        pytest.skip(f"real data slice not available at {REAL_SLICE}")
    return assert_built(run_dbt(tmp_path_factory.mktemp("real_build"), REAL_SLICE))


@pytest.fixture(scope="session")
def spark_available() -> None:
    """Skips Spark tests where PySpark, dbt-spark or Java is missing, unless
    SHOPPER_SPECTRUM_REQUIRE_SPARK=1 (as in CI), where that is a failure."""
    missing = [
        name
        for name, present in (
            ("pyspark (uv sync --group spark)", _importable("pyspark")),
            ("dbt-spark (uv sync --group spark)", _importable("dbt.adapters.spark")),
            ("java (JDK 17)", shutil.which("java") is not None),
        )
        if not present
    ]
    if missing:
        message = f"the spark target needs {', '.join(missing)}"
        if os.environ.get("SHOPPER_SPECTRUM_REQUIRE_SPARK") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def spark_build(spark_available, tmp_path_factory) -> DbtBuild:
    """The committed sample built with `dbt build --target spark` on a local Spark session."""
    return assert_built(run_dbt(tmp_path_factory.mktemp("spark_build"), target="spark"))


@pytest.fixture(scope="session")
def spark(spark_build):
    """A local Spark session on the spark build's metastore and warehouse (as profiles.yml sets)."""
    from pyspark.sql import SparkSession  # noqa: PLC0415 (optional: the spark group)

    spark_dir = spark_build.database.parent / "spark"
    # Executors import this project's packages: the tests' own interpreter, not PATH's python3
    # (PySpark reads only the environment variable), as the spark target does.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("shopper-spectrum-tests")
        .enableHiveSupport()
        .config("spark.sql.warehouse.dir", str(spark_dir / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
