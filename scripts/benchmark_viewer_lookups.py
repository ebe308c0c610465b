"""Time the viewer's interactive lookups (similar products, customer recommendations).

    uv run python scripts/benchmark_viewer_lookups.py                      # synthetic 50k products
    uv run python scripts/benchmark_viewer_lookups.py --database shopper_spectrum.duckdb

With --database it times the newest published snapshot of that build, the customer page and a
transition's customer list included; otherwise it publishes a synthetic snapshot with the viewer's
tables at the given size (products x 10 similar products, customers x 10 recommendations). Either
way it times the same queries the pages run (BuildData).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from shopper_spectrum.viewer import BuildData, open_latest_build


def synthetic_snapshot(directory: Path, products: int, customers: int) -> BuildData:
    path = directory / "synthetic.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            """
            create table dim_products as
            select printf('P%06d', i) as product_code, printf('PRODUCT NUMBER %d', i) as description,
                   2.5::decimal(18, 4) as median_unit_price, i as popularity_rank, 10 as purchasing_customers
            from range(?) as r(i)
            """,
            [products],
        )
        con.execute(
            """
            create table product_similarity as
            select printf('P%06d', i) as product_code, printf('P%06d', (i + j * 7919) % ?) as similar_product_code,
                   j as rank, 10 - j as co_baskets, 0.1 / j as confidence, 0.001 as support,
                   2.0 as lift, 0.05 as jaccard
            from range(?) as r(i), range(1, 11) as s(j)
            """,
            [products, products],
        )
        con.execute(
            """
            create table customer_recommendations as
            select printf('C%07d', c) as customer_id, j as rank, printf('P%06d', (c * 31 + j) % ?) as product_code,
                   1.0 / j as score, printf('P%06d', c % ?) as because_you_bought
            from range(?) as r(c), range(1, 11) as s(j)
            """,
            [products, products, customers],
        )
    return BuildData.open(path)


def time_lookups(label: str, lookup, keys: list, repeats: int) -> None:
    timings = []
    for key in random.Random(7).choices(keys, k=repeats):
        started = time.perf_counter()
        lookup(key)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"{label:32s} p50 {statistics.median(timings):6.2f} ms   p95 {p95:6.2f} ms   max {timings[-1]:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", help="time this build's newest snapshot instead of a synthetic one"
    )
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.database:
            build = open_latest_build(args.database)
        else:
            build = synthetic_snapshot(Path(scratch), args.products, args.customers)
        products = build.query("select product_code from dim_products")["product_code"].tolist()
        customers = build.query("select distinct customer_id from customer_recommendations")[
            "customer_id"
        ].tolist()
        print(
            f"{len(products):,} products, {len(customers):,} customers with recommendations ({build.snapshot})"
        )
        time_lookups("similar products (top 10)", build.similar_products, products, args.repeats)
        time_lookups(
            "customer recommendations", build.customer_recommendations, customers, args.repeats
        )
        if args.database:
            # the customer page's three queries, and one transition's customer list
            time_lookups("customer page", customer_page(build), customers, args.repeats)
            transitions = build.transitions("cluster", 1, 0)
            pairs = list(zip(transitions["from_segment"], transitions["to_segment"], strict=True))
            time_lookups(
                "a transition's customers",
                lambda pair: build.transition_customers("cluster", 1, 0, *pair),
                pairs,
                args.repeats,
            )


def customer_page(build: BuildData):
    def lookup(customer_id: str) -> None:
        build.customer(customer_id)
        build.customer_history(customer_id)
        build.customer_recommendations(customer_id)

    return lookup


if __name__ == "__main__":
    main()
