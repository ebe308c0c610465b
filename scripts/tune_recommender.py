"""Evaluate recommender settings on a build's temporal holdout and write the results table.

    uv run dbt build --vars '{raw_path: ../shared/data/online_retail_2010-12_2011-06.csv.gz}'
    uv run python scripts/tune_recommender.py --database shopper_spectrum.duckdb \
        --output docs/recommendation_tuning.md

Every row uses the same protocol as the recommendation_evaluation model (train before the last
invoice date minus 30 days; truth = products new to customers with history). Settings vary one or
two at a time around the defaults, so the table shows what each choice is worth.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from shopper_spectrum.recommend import (
    RecommenderSettings,
    evaluate_holdout,
    popularity_recommendations,
    recommend,
)
from shopper_spectrum.recommend.history import holdout_truth, purchase_history
from shopper_spectrum.recommend.similarity import similar_products

DEFAULT = RecommenderSettings()


def candidate_settings() -> list[tuple[str, RecommenderSettings]]:
    grid = [("default", DEFAULT)]
    for measure in ("customer_cosine", "basket_cosine", "basket_jaccard", "lift"):
        for power in (1.0, 2.0):
            grid.append(
                (
                    f"measure={measure}, power={power:g}",
                    replace(DEFAULT, measure=measure, power=power),
                )
            )
    grid.append(("power=1", replace(DEFAULT, power=1.0)))
    grid.append(("power=3", replace(DEFAULT, power=3.0)))
    for half_life in (14.0, 30.0, 60.0, 180.0, math.inf):
        grid.append((f"half_life_days={half_life:g}", replace(DEFAULT, half_life_days=half_life)))
    grid.append(
        ("no decay, power=1 (plain item-kNN)", replace(DEFAULT, half_life_days=math.inf, power=1.0))
    )
    for min_co in (1, 3, 5):
        grid.append((f"min_cooccurrence={min_co}", replace(DEFAULT, min_cooccurrence=min_co)))
    for neighbours in (20, 50, 200, 100_000):
        grid.append((f"neighbours={neighbours}", replace(DEFAULT, neighbours=neighbours)))
    return grid


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="shopper_spectrum.duckdb")
    parser.add_argument("--output", type=Path, help="write a markdown table here (default: print)")
    args = parser.parse_args()
    with duckdb.connect(args.database, read_only=True) as con:
        lines = con.sql("select * from int_recommendation_holdout_lines").df()
        pairs = con.sql("select * from int_recommendation_holdout_cooccurrence").df()
    training = lines[lines["is_training"]]
    truth = holdout_truth(lines)
    split = pd.Timestamp(lines["split_date"].iloc[0])
    catalogue = training["product_code"].nunique()
    evaluated = pd.unique(truth["customer_id"])
    history = purchase_history(training[training["customer_id"].isin(evaluated)])

    rows = [
        {
            "settings": "popularity baseline",
            **evaluate_holdout(popularity_recommendations(training, evaluated), truth, catalogue),
        }
    ]
    for label, settings in candidate_settings():
        started = time.perf_counter()
        neighbours = similar_products(
            pairs, settings.measure, settings.min_cooccurrence, settings.neighbours
        )
        metrics = evaluate_holdout(
            recommend(history, neighbours, split, settings), truth, catalogue
        )
        rows.append({"settings": label, **metrics, "seconds": time.perf_counter() - started})
        print(
            f"{label:45s} p@10={metrics['precision_at_k']:.4f} hit@10={metrics['hit_rate_at_k']:.4f}"
        )
    table = pd.DataFrame(rows)
    markdown = _markdown(table, args.database, split, len(evaluated))
    if args.output:
        args.output.write_text(markdown)
    else:
        print(markdown)


def _markdown(table: pd.DataFrame, database: str, split: pd.Timestamp, customers: int) -> str:
    header = (
        f"Holdout: train before {split.date()}, {customers} customers evaluated "
        f"(database `{Path(database).name}`).\n\n"
        "| settings | precision@10 | recall@10 | hit@10 | NDCG@10 | coverage |\n|---|---|---|---|---|---|\n"
    )
    body = "".join(
        f"| {r.settings} | {r.precision_at_k:.4f} | {r.recall_at_k:.4f} | {r.hit_rate_at_k:.4f} | "
        f"{r.ndcg_at_k:.4f} | {r.catalogue_coverage:.3f} |\n"
        for r in table.itertuples()
    )
    return header + body


if __name__ == "__main__":
    main()
