"""Benchmark the whole `dbt build` on generated data, optionally against the seed's approach and implicit.

    uv run python scripts/benchmark_build.py --lines 1000000
    uv run --group benchmark python scripts/benchmark_build.py --lines 10000000 --compare

Generates an export with the project's generator (customers ~ lines/100, products ~20k; cached in
--workdir), runs `dbt build` on it (all models and tests) and prints per-model wall time (from
dbt's run_results.json), total wall time, peak RSS and row counts. --compare runs, on the same
data and in separate processes under a memory cap, (a) the seed's approach: a pandas customer x
product pivot, scikit-learn cosine_similarity and argsort top-N, plus StandardScaler + KMeans, and
(b) implicit's CosineRecommender fit + similar_items for every item; each is printed as a ratio to
the project's time, and a peer that runs out of memory is reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ROW_COUNTS = (
    "raw.raw_invoice_lines",
    "fct_purchase_lines",
    "fct_customer_rfm",
    "dim_products",
    "fct_item_cooccurrence",
    "product_similarity",
    "customer_recommendations",
)


def generate(lines: int, workdir: Path) -> Path:
    export = workdir / f"retail_{lines}.parquet"
    if not export.exists():
        subprocess.run(
            [
                sys.executable,
                "scripts/generate_retail_data.py",
                "--lines",
                str(lines),
                "--output",
                str(export),
            ],
            cwd=PROJECT_ROOT,
            check=True,
        )
    return export


def run_measured(
    args: list[str], env: dict | None = None, memory_cap_gb: float | None = None
) -> dict:
    """Wall time, peak RSS (of the child) and exit status of one command in its own process."""

    def cap() -> None:
        if memory_cap_gb:
            limit = int(memory_cap_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        # No threads run here, so preexec_fn (the only way to cap the child alone) is safe.
        process = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=env,
            preexec_fn=cap,  # noqa: PLW1509
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives this child's own resource usage, peak RSS included.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "returncode": returncode,
        "peak_rss_gb": usage.ru_maxrss / 1024**2,
        "output": output,
    }


def dbt_build(export: Path, workdir: Path) -> dict:
    database = workdir / "benchmark.duckdb"
    for stale in (database, database.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "SHOPPER_SPECTRUM_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target = workdir / "target"
    result = run_measured(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--target-path",
            str(target),
            "--log-path",
            str(workdir / "logs"),
            "--vars",
            json.dumps({"raw_path": str(export)}),
        ],
        env=env,
    )
    if result["returncode"] != 0:
        print(result["output"][-5000:])
        raise SystemExit("dbt build failed")
    run_results = json.loads((target / "run_results.json").read_text())
    result["nodes"] = sorted(
        ((r["unique_id"].split(".")[-1], r["execution_time"]) for r in run_results["results"]),
        key=lambda item: -item[1],
    )
    with duckdb.connect(str(database), read_only=True) as con:
        result["rows"] = {
            t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ROW_COUNTS
        }
    return result


PEERS = {
    "seed approach (pandas pivot + cosine_similarity + KMeans)": "seed",
    "implicit CosineRecommender (fit + similar_items for all items)": "implicit",
}


def run_peer(kind: str, export: Path, memory_cap_gb: float) -> dict:
    return run_measured(
        [sys.executable, str(Path(__file__).with_name("benchmark_peers.py")), kind, str(export)],
        memory_cap_gb=memory_cap_gb,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "build" / "benchmark")
    parser.add_argument(
        "--compare", action="store_true", help="also run the seed's approach and implicit"
    )
    parser.add_argument(
        "--memory-cap-gb", type=float, default=20.0, help="address-space cap for each peer"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    export = generate(args.lines, args.workdir)
    build = dbt_build(export, args.workdir)
    print(
        f"\ndbt build on {args.lines:,} lines: {build['seconds']:.1f} s wall, peak RSS {build['peak_rss_gb']:.2f} GB"
    )
    print("slowest nodes:")
    for name, seconds in build["nodes"][:12]:
        print(f"  {seconds:8.2f} s  {name}")
    print("rows:", ", ".join(f"{t.split('.')[-1]}={n:,}" for t, n in build["rows"].items()))
    if args.compare:
        print(f"\npeers (same data, separate processes, memory cap {args.memory_cap_gb:.0f} GB):")
        for label, kind in PEERS.items():
            peer = run_peer(kind, export, args.memory_cap_gb)
            if peer["returncode"] == 0:
                ratio = peer["seconds"] / build["seconds"]
                print(f"  {label}: {peer['seconds']:.1f} s ({ratio:.2f}x the project's build)")
            elif "MemoryError" in peer["output"] or peer["returncode"] in (-9, 137):
                print(
                    f"  {label}: out of memory (cap {args.memory_cap_gb:.0f} GB) after {peer['seconds']:.1f} s"
                )
            else:
                last_line = (
                    peer["output"].strip().splitlines()[-1]
                    if peer["output"].strip()
                    else peer["returncode"]
                )
                print(f"  {label}: failed ({last_line})")


if __name__ == "__main__":
    main()
