"""What a build of the small committed sample costs, as a ratio to dbt's own floor.

    uv run python scripts/benchmark_fixed_cost.py --repeats 3

Times, alternately and each into a fresh DuckDB file, (a) `dbt build` of a one-model dbt-duckdb
project made in a temporary folder (one SQL model counting the sample's lines: dbt's start-up,
parsing, the adapter and closing the database, and nothing else), and (b) this project's whole
`dbt build` of the committed sample. Prints the median wall time of each and their ratio: the
ratio is what to compare between machines, not the seconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dbt_runs import run_dbt  # scripts/ is on the path of a script it runs

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "dbt_project" / "sample_data" / "online_retail_sample.csv.gz"

ONE_MODEL_PROJECT = """
name: one_model
version: "1.0"
profile: one_model
model-paths: [models]
"""
ONE_MODEL_PROFILE = """
one_model:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('SHOPPER_SPECTRUM_DB') }}"
      threads: 2
"""


def one_model_project(folder: Path) -> Path:
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(ONE_MODEL_PROJECT)
    (folder / "profiles.yml").write_text(ONE_MODEL_PROFILE)
    (folder / "models" / "sample_lines.sql").write_text(
        f"select count(*) as lines from read_csv('{SAMPLE}', all_varchar = true)\n"
    )
    return folder


def timed_build(project: Path, database: Path) -> float:
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    run_dbt(
        ["build", "--project-dir", str(project), "--profiles-dir", str(project)], database, project
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        floor_project = one_model_project(scratch / "one_model")
        floor, project = [], []
        for _ in range(args.repeats):
            floor.append(timed_build(floor_project, scratch / "one_model.duckdb"))
            project.append(timed_build(PROJECT_ROOT, scratch / "sample.duckdb"))
    floor_median, project_median = statistics.median(floor), statistics.median(project)
    print(f"one-model dbt project: median {floor_median:.1f} s of {args.repeats}")
    print(f"this project, the committed sample: median {project_median:.1f} s of {args.repeats}")
    print(f"ratio: {project_median / floor_median:.1f}× dbt's floor")


if __name__ == "__main__":
    main()
