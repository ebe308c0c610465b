"""Generate an Online-Retail-shaped export with planted ground truth.

    uv run python scripts/generate_retail_data.py --lines 1000000 --output build/data/retail_1m.parquet

The ground truth (customers.csv: customer_id, archetype; bundles.csv: bundle_id, product_code;
manifest.json) is written to a folder beside the export, named <stem>_truth.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from shopper_spectrum.generator import (
    GeneratorConfig,
    generate,
    truth_dir,
    write_export,
    write_manifest,
)

SAMPLE_PATH = Path("dbt_project/sample_data/online_retail_sample.csv.gz")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--lines", type=int, default=GeneratorConfig.lines, help="exact number of lines"
    )
    parser.add_argument("--seed", type=int, default=GeneratorConfig.seed)
    parser.add_argument("--customers", type=int, help="default: lines / 100")
    parser.add_argument("--products", type=int, help="default: lines / 30, 200..20,000")
    parser.add_argument(
        "--layout", choices=["online_retail", "online_retail_ii"], default="online_retail"
    )
    parser.add_argument(
        "--output", type=Path, default=SAMPLE_PATH, help=".csv, .csv.gz, .parquet or .xlsx"
    )
    args = parser.parse_args()
    config = GeneratorConfig(
        lines=args.lines,
        seed=args.seed,
        customers=args.customers,
        products=args.products,
        layout=args.layout,
    )
    started = time.perf_counter()
    data = generate(config)
    generated = time.perf_counter()
    write_export(data, args.output, layout=config.layout)
    write_manifest(config, args.output)
    finished = time.perf_counter()
    print(
        f"{config.lines:,} lines, {config.n_customers:,} customers, {config.n_products:,} products "
        f"-> {args.output} (generate {generated - started:.1f}s, write {finished - generated:.1f}s); "
        f"ground truth in {truth_dir(args.output)}"
    )


if __name__ == "__main__":
    main()
