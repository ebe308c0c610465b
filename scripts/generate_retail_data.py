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
from shopper_spectrum.shops import SHOPS

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
        "--layout",
        choices=["online_retail", "online_retail_ii", "own", "no_order_id"],
        default="online_retail",
        help="own: renamed, reordered columns, day-first dates and line amounts "
        "(build it with the dbt var raw_columns set to generator.OWN_LAYOUT_COLUMNS); "
        "no_order_id: a till export without order ids, dates without times, padded customer ids "
        "(raw_columns: generator.NO_ORDER_ID_COLUMNS)",
    )
    parser.add_argument(
        "--shop",
        choices=SHOPS,
        default="wholesale",
        help="the kind of shop (shopper_spectrum.shops): where a customer's next product comes from",
    )
    parser.add_argument(
        "--output", type=Path, default=SAMPLE_PATH, help=".csv, .csv.gz, .parquet or .xlsx"
    )
    parser.add_argument(
        "--parts",
        type=int,
        default=1,
        help="write the export as this many files (OUTPUT-part-NN...), generated one at a time, "
        "so exports larger than memory can be made; they share the catalogue",
    )
    args = parser.parse_args()
    for part in range(args.parts):
        config = GeneratorConfig(
            lines=args.lines // args.parts + (part < args.lines % args.parts),
            seed=args.seed,
            customers=args.customers // args.parts if args.customers else None,
            products=args.products,
            layout=args.layout,
            shop=args.shop,
            part=part,
        )
        output = args.output if args.parts == 1 else part_path(args.output, part)
        started = time.perf_counter()
        data = generate(config)
        generated = time.perf_counter()
        write_export(data, output, layout=config.layout)
        write_manifest(config, output)
        finished = time.perf_counter()
        print(
            f"{config.lines:,} lines, {config.n_customers:,} customers, {config.n_products:,} "
            f"products -> {output} (generate {generated - started:.1f}s, "
            f"write {finished - generated:.1f}s); ground truth in {truth_dir(output)}"
        )


def part_path(output: Path, part: int) -> Path:
    """export.parquet -> export-part-00.parquet (the suffixes kept, .csv.gz included)."""
    stem, _, suffixes = output.name.partition(".")
    return output.with_name(f"{stem}-part-{part:02d}.{suffixes}")


if __name__ == "__main__":
    main()
