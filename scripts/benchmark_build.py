"""Benchmark the whole `dbt build` on generated data, against implicit's pipeline and the seed's approach.

    uv run python scripts/benchmark_build.py --lines 1000000
    uv run --group benchmark python scripts/benchmark_build.py --lines 1000000 10000000 --compare \
        --chart docs/build_time.png

For each size: generates an export with the project's generator (customers = lines/100, products
~20k; cached in --workdir; above 20M lines as 10M-line parts, so generation fits in memory), runs
`dbt build` on it (every model and data test) and prints the wall time, peak RSS, row counts and
the time per stage (node times from dbt's run_results.json, summed per stage: nodes run two at
a time, so stages overlap). --compare runs, on the same data and in separate processes under a
memory cap, (a) implicit's pipeline: load and clean with DuckDB, a customer x product matrix,
CosineRecommender fit and similar_items for every product, and (b) the seed's approach: a pandas
customer x product pivot, scikit-learn cosine_similarity and argsort top-N, plus StandardScaler +
KMeans; each as a ratio to the project's build, a peer out of memory reported as such.
--spark-max-result-size 8m also builds on local Spark with the driver allowed to collect at most
8 MB from any one job (at 1M lines the purchase history is 10 MB, the item model's weights 5 MB:
the heavy tables must stay on the executors), as a ratio to the DuckDB build.
--incremental splits the export into one Parquet file per invoice month (the last full month's
first day a file of its own), builds every month before the last full one, then over the same
database adds that month's first day (a day), then the rest of the month with the final lines (a
month, which starts a new evaluation fold), then builds with nothing new, each timed against a
fresh build of every file; nothing new also against a fresh build of the committed sample, in
the same run; for each run it also says where its time goes, its CPU time over the cores, and
the best its work allows (scripts/build_timing.py). --vars gives every build dbt vars (e.g. a
pinned recommender setting).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml
from build_timing import build_timing  # scripts/ is on the path of a script it runs

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EXPORT = PROJECT_ROOT / "dbt_project" / "sample_data" / "online_retail_sample.csv.gz"
PART_LINES = 10_000_000
ROW_COUNTS = (
    "raw.raw_invoice_lines",
    "fct_sales_lines",
    "fct_customer_rfm",
    "dim_products",
    "fct_item_cooccurrence",
    "product_similarity",
    "customer_recommendations",
)
# Each node's stage, by name; the first matching prefix wins.
STAGES = (
    ("load raw exports", ("shopper_spectrum-on-run-start",)),
    ("data tests", ("test.",)),
    (
        "lines: staging, dispositions, audit",
        ("stg_", "int_invoice", "int_as_of", "audit_", "int_sales"),
    ),
    (
        "pair counts",
        (
            "int_training_set_units",
            "int_training_set_pair_counts",
            "int_production_pair_counts",
            "int_product_pairs",
            "int_product_keys",
            "int_recommendation_training",
        ),
    ),
    (
        "evaluation, popularity",
        ("int_recommendation_fold", "recommendation_evaluation", "int_product_popularity"),
    ),
    (
        "item model, scoring, similar products",
        (
            "int_training_set_neighbours",
            "int_item_neighbours",
            "item_model",
            "customer_recommendations",
            "product_similarity",
        ),
    ),
    (
        "segment history and transitions",
        (
            "int_snapshot_dates",
            "int_customer_rfm_snapshots",
            "dim_snapshot_dates",
            "fct_customer_segment_history",
            "segment_transitions",
        ),
    ),
    ("segments", ("segment_", "customer_segments")),
    ("customer and product marts", ("fct_", "dim_", "int_customer", "int_rfm")),
    ("seeds, publishing", ("seed.", "viewer_snapshot")),
)
PEERS = {
    "implicit CosineRecommender pipeline": "implicit",
    "seed approach (pandas pivot + cosine_similarity + KMeans)": "seed",
}


def generate(lines: int, workdir: Path) -> Path:
    """The export for `lines` (cached): one Parquet file, or a folder of 10M-line parts."""
    parts = max(1, -(-lines // PART_LINES)) if lines > 2 * PART_LINES else 1
    if parts == 1:
        export = workdir / f"retail_{lines}.parquet"
        ready = export.exists()
    else:
        export = workdir / f"retail_{lines}" / "retail-part-*.parquet"
        ready = len(list(export.parent.glob(export.name))) == parts
    if not ready:
        output = export if parts == 1 else export.parent / "retail.parquet"
        subprocess.run(
            [
                sys.executable,
                "scripts/generate_retail_data.py",
                *("--lines", str(lines), "--parts", str(parts), "--output", str(output)),
            ],
            cwd=PROJECT_ROOT,
            check=True,
        )
    return export


def run_measured(
    args: list[str], env: dict | None = None, memory_cap_gb: float | None = None
) -> dict:
    """Wall time, CPU time and peak RSS (of the child) and exit status of one command in its own
    process."""

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
    return {
        "seconds": seconds,
        "returncode": os.waitstatus_to_exitcode(status),
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_gb": usage.ru_maxrss / 1024**2,
        "output": output,
    }


INVOICE_TIME = (
    """try_strptime("InvoiceDate", ['%m/%d/%y %H:%M', '%m/%d/%Y %H:%M', '%Y-%m-%d %H:%M:%S'])"""
)


def split_by_month(export: Path, workdir: Path) -> list[Path]:
    """The export as one Parquet file per invoice month (cached), oldest first: what a folder
    that gains a file every month looks like (lines without a date sort first). The last full
    month keeps only its first day; the rest of it is a file of its own (folder <month>-rest,
    which sorts after it), so that a day of purchases can be added without starting a fold."""
    folder = workdir / f"{export.name.split('.')[0]}_by_month"
    if not folder.is_dir():
        partial = folder.with_name(folder.name + ".partial")
        with duckdb.connect() as con:
            con.execute(
                f"""
                copy (
                    select *, coalesce(strftime({INVOICE_TIME}, '%Y-%m'), '0000-undated') as invoice_month
                    from read_parquet('{export}')
                ) to '{partial}' (format parquet, partition_by (invoice_month))
                """
            )
            last_month = sorted(partial.glob("invoice_month=*/*.parquet"))[-2]
            rest = last_month.parent.with_name(last_month.parent.name + "-rest") / last_month.name
            rest.parent.mkdir()
            first_day = last_month.with_suffix(".first-day")
            lines = f"read_parquet('{last_month}', hive_partitioning = false)"
            day = f"cast({INVOICE_TIME} as date)"
            on_first_day = f"{day} = (select min({day}) from {lines})"
            con.execute(
                f"copy (from {lines} where {on_first_day}) to '{first_day}' (format parquet)"
            )
            con.execute(
                f"copy (from {lines} where not {on_first_day}) to '{rest}' (format parquet)"
            )
            first_day.replace(last_month)
        partial.rename(folder)
    return sorted(folder.glob("invoice_month=*/*.parquet"))


def incremental(export: Path, workdir: Path, dbt_vars: dict) -> dict:
    """Daily runs over a folder of monthly files: every month before the last full one built
    fresh; then, over the same database, that month's first day added (no new fold: a fold
    starts once its test window has passed), then the rest of the month with the export's final
    lines (two files: a month's run, which starts a fold), then nothing new; each against a
    fresh build of every file."""
    files = split_by_month(export, workdir)
    glob = Path(files[0].parent.parent / "invoice_month=*" / "*.parquet")
    added = {"days_added": files[-3:-2], "month_added": files[-2:]}
    held = {file: workdir / f"held_{i}.parquet" for i, file in enumerate(files[-3:])}
    for file, place in held.items():
        file.rename(place)
    try:
        before = dbt_build(glob, workdir, dbt_vars=dbt_vars)
        builds = {}
        for phase, new_files in added.items():
            for file in new_files:
                held.pop(file).rename(file)
            builds[phase] = dbt_build(glob, workdir, fresh=False, dbt_vars=dbt_vars)
    finally:
        for file, place in held.items():
            place.rename(file)
    unchanged = dbt_build(glob, workdir, fresh=False, dbt_vars=dbt_vars)
    full = dbt_build(glob, workdir, dbt_vars=dbt_vars)
    sample = dbt_build(SAMPLE_EXPORT, workdir / "sample", dbt_vars=dbt_vars)
    with duckdb.connect() as con:
        lines = {
            phase: sum(
                con.execute(f"select count(*) from read_parquet('{file}')").fetchone()[0]
                for file in new_files
            )
            for phase, new_files in added.items()
        }
    return {
        "months": len(files) - 1,
        "lines": lines,
        "before": before,
        **builds,
        "unchanged": unchanged,
        "full": full,
        "sample": sample,
    }


DAILY_RUNS = ("days_added", "month_added", "unchanged", "full")


def print_daily_runs(daily: dict) -> None:
    full = daily["full"]["seconds"]
    lines = daily["lines"]
    print(f"\ndaily runs over {daily['months']} monthly files (fresh build of all: {full:.1f} s):")
    for label, key in (
        (f"the last full month's first day added ({lines['days_added']:,} lines)", "days_added"),
        (f"the rest of that month added ({lines['month_added']:,} lines, 2 files)", "month_added"),
        ("nothing new", "unchanged"),
    ):
        seconds = daily[key]["seconds"]
        print(f"  {label}: {seconds:.1f} s = {seconds / full:.0%} of the fresh build")
    sample = daily["sample"]["seconds"]
    print(
        f"  nothing new against a fresh build of the committed sample ({sample:.1f} s):"
        f" {daily['unchanged']['seconds'] / sample:.2f}×"
    )
    runs = (
        ("day added", "days_added"),
        ("month added", "month_added"),
        ("nothing new", "unchanged"),
        ("fresh", "full"),
    )
    print(
        "where each run's time goes (outside the nodes + the nodes' span; the best this work"
        " allows: outside + max(longest chain, node time / threads), and no less than its CPU"
        " time over the cores):"
    )
    for label, key in runs:
        timing = daily[key]["timing"]
        print(
            f"  {label}: {timing.wall_seconds:.1f} s = {timing.outside_nodes_seconds:.1f} s outside"
            f" + {timing.node_span_seconds:.1f} s of nodes; node time {timing.node_seconds:.1f} s"
            f" / {timing.threads} threads = {timing.seconds_per_thread:.1f} s, longest"
            f" chain {timing.chain_seconds:.1f} s: at best {timing.best_seconds:.1f} s"
            f" = {timing.best_seconds / full:.0%} of the fresh build"
        )
        print(
            f"    CPU time {timing.cpu_seconds:.1f} s / {timing.cores} cores"
            f" = {timing.cpu_seconds_per_core:.1f} s"
            f" ({timing.cpu_seconds_per_core / timing.wall_seconds:.0%} of the cores over the run;"
            f" {timing.cpu_seconds / daily['full']['timing'].cpu_seconds:.0%} of the fresh build's"
            " CPU time)"
        )
        longest = sorted(timing.chain, key=lambda node: -node[1])[:6]
        print(
            "    its chain's longest nodes: "
            + ", ".join(f"{node.split('.')[2]} {seconds:.1f} s" for node, seconds in longest)
        )
    for label, key in runs:
        print(f"time per stage, {label}:")
        for stage, seconds in daily[key]["stages"].items():
            print(f"  {seconds:8.2f} s  {stage}")
        print(f"slowest nodes, {label}:")
        for node, seconds in daily[key]["nodes"][:12]:
            print(f"  {seconds:8.2f} s  {node}")


def dbt_build(
    export: Path,
    workdir: Path,
    fresh: bool = True,
    spark_max_result_size: str | None = None,
    dbt_vars: dict | None = None,
) -> dict:
    """`dbt build` on the export, with dbt_vars besides raw_path; fresh=False builds over the
    last build's database. With spark_max_result_size, on the spark target (a fresh warehouse),
    the driver allowed to collect at most that much from any one job."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "benchmark.duckdb"
    spark_dir = workdir / "spark"
    if fresh and spark_max_result_size:
        shutil.rmtree(spark_dir, ignore_errors=True)
    elif fresh:
        for stale in (database, database.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "SHOPPER_SPECTRUM_DB": str(database),
        "SHOPPER_SPECTRUM_SPARK_DIR": str(spark_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target_args = []
    if spark_max_result_size:
        env["SHOPPER_SPECTRUM_SPARK_MAX_RESULT_SIZE"] = spark_max_result_size
        # Broadcast joins are collected on the driver: Spark's own, kept under the limit.
        env["SHOPPER_SPECTRUM_SPARK_BROADCAST_THRESHOLD"] = "1m"
        target_args = ["--target", "spark"]
    target = workdir / "target"
    result = run_measured(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            *target_args,
            *("--target-path", str(target), "--log-path", str(workdir / "logs")),
            *("--vars", json.dumps({**(dbt_vars or {}), "raw_path": str(export)})),
        ],
        env=env,
    )
    if result["returncode"] != 0:
        print(result["output"][-5000:])
        raise SystemExit("dbt build failed")
    run_results = json.loads((target / "run_results.json").read_text())
    result["nodes"] = sorted(
        ((r["unique_id"], r["execution_time"]) for r in run_results["results"]),
        key=lambda item: -item[1],
    )
    result["stages"] = stage_times(result["nodes"])
    result["timing"] = build_timing(
        run_results["results"],
        json.loads((target / "graph_summary.json").read_text())["with_test_edges"],
        result["seconds"],
        cpu_seconds=result["cpu_seconds"],
        cores=os.cpu_count() or 1,
    )
    result["rows"] = {}
    if not spark_max_result_size:
        with duckdb.connect(str(database), read_only=True) as con:
            result["rows"] = {
                t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ROW_COUNTS
            }
    return result


def stage_times(nodes: list[tuple[str, float]]) -> dict[str, float]:
    totals = dict.fromkeys([name for name, _ in STAGES], 0.0)
    for unique_id, seconds in nodes:
        kind, name = unique_id.split(".")[0], unique_id.split(".")[-1]
        for stage, prefixes in STAGES:
            if (
                any((kind + ".").startswith(p) or name.startswith(p) for p in prefixes)
                and kind != "unit_test"
            ):
                totals[stage] += seconds
                break
    return totals


def run_peer(kind: str, export: Path, memory_cap_gb: float) -> dict:
    # implicit asks for OpenBLAS's own threads off (it warns without; on 2 cores 19.1 s against
    # 19.8 s): the reference runs as its documentation says, whatever the caller's shell holds.
    return run_measured(
        [sys.executable, str(Path(__file__).with_name("benchmark_peers.py")), kind, str(export)],
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        memory_cap_gb=memory_cap_gb,
    )


def peer_outcome(peer: dict, memory_cap_gb: float) -> str:
    if peer["returncode"] == 0:
        return f"{peer['seconds']:.1f} s, {peer['peak_rss_gb']:.1f} GB"
    if "MemoryError" in peer["output"] or peer["returncode"] in (-9, 137):
        return f"out of memory at {memory_cap_gb:.0f} GB after {peer['seconds']:.0f} s"
    lines = peer["output"].strip().splitlines()
    return f"failed ({lines[-1] if lines else peer['returncode']})"


def chart(results: list[dict], path: Path) -> None:
    """Build time against lines, log-log, the project beside its peers."""
    # matplotlib is in the optional benchmark dependency group, so it is imported only here.
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
    lines = [r["lines"] for r in results]
    axes.plot(
        lines, [r["build"]["seconds"] for r in results], "o-", label="Shopper Spectrum dbt build"
    )
    for label in PEERS:
        done = [
            (r["lines"], r["peers"][label]["seconds"])
            for r in results
            if r["peers"].get(label, {}).get("returncode") == 0
        ]
        if done:
            axes.plot(*zip(*done, strict=True), "s--", label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("invoice lines")
    axes.set_ylabel("wall time (s)")
    axes.set_title(f"Build time on {platform.machine()}, {os.cpu_count()} cores")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "build" / "benchmark")
    parser.add_argument("--compare", action="store_true", help="also run implicit and the seed")
    parser.add_argument(
        "--memory-cap-gb", type=float, default=20.0, help="address-space cap for each peer"
    )
    parser.add_argument("--chart", type=Path, help="write a PNG of time against lines here")
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="also time adding the newest month's file to a build of the months before it",
    )
    parser.add_argument(
        "--vars",
        type=yaml.safe_load,
        default={},
        metavar="YAML",
        help="dbt vars for every build, as dbt's --vars takes them "
        "(e.g. '{recommendation_count_units: [basket]}')",
    )
    parser.add_argument(
        "--spark-max-result-size",
        metavar="SIZE",
        help="also build on the spark target (uv sync --group spark), the driver allowed to "
        "collect at most SIZE (e.g. 8m) from any one job, and give its time as a ratio",
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 1024**3:.0f} GB, "
        f"Python {platform.python_version()}"
    )
    results = []
    for lines in args.lines:
        export = generate(lines, args.workdir)
        build = dbt_build(export, args.workdir, dbt_vars=args.vars)
        print(
            f"\ndbt build on {lines:,} lines: {build['seconds']:.1f} s wall, "
            f"peak RSS {build['peak_rss_gb']:.2f} GB"
        )
        print("time per stage (node seconds, two nodes run at a time):")
        for stage, seconds in build["stages"].items():
            print(f"  {seconds:8.2f} s  {stage}")
        print("slowest nodes:")
        for unique_id, seconds in build["nodes"][:8]:
            print(f"  {seconds:8.2f} s  {unique_id.split('.')[-1]}")
        print("rows:", ", ".join(f"{t.split('.')[-1]}={n:,}" for t, n in build["rows"].items()))
        if args.spark_max_result_size:
            spark = dbt_build(
                export,
                args.workdir,
                spark_max_result_size=args.spark_max_result_size,
                dbt_vars=args.vars,
            )
            print(
                f"dbt build --target spark (local[*], spark.driver.maxResultSize "
                f"{args.spark_max_result_size}): {spark['seconds']:.1f} s wall, "
                f"{spark['seconds'] / build['seconds']:.2f}x the DuckDB build's time"
            )
            for stage, seconds in spark["stages"].items():
                print(f"  {seconds:8.2f} s  {stage}")
            print("slowest nodes on Spark:")
            for unique_id, seconds in spark["nodes"][:8]:
                print(f"  {seconds:8.2f} s  {unique_id.split('.')[-1]}")
        peers = {}
        if args.compare:
            print(f"peers (same data, separate processes, memory cap {args.memory_cap_gb:.0f} GB):")
            for label, kind in PEERS.items():
                peers[label] = run_peer(kind, export, args.memory_cap_gb)
                ratio = (
                    f" — the build takes {build['seconds'] / peers[label]['seconds']:.2f}x its time"
                    if peers[label]["returncode"] == 0
                    else ""
                )
                print(f"  {label}: {peer_outcome(peers[label], args.memory_cap_gb)}{ratio}")
        if args.incremental:
            daily = incremental(export, args.workdir, args.vars)
            print_daily_runs(daily)
            nodes = args.workdir / "daily_run_nodes.json"
            nodes.write_text(json.dumps({phase: daily[phase]["nodes"] for phase in DAILY_RUNS}))
            print(f"every node's time, each daily run: {nodes}")
        results.append({"lines": lines, "build": build, "peers": peers})
    if args.chart:
        chart(results, args.chart)
        print(f"\nchart written to {args.chart}")


if __name__ == "__main__":
    main()
