"""Record, for one export, how the build chooses its recommender and how that compares.

    uv run --group benchmark python scripts/tune_recommender.py \
        --raw-path ../shared/data/online_retail_2010-12_2011-06.csv.gz \
        --section uci --output docs/recommendation_tuning.md

Builds the export with dbt (five folds; --vars may widen the candidate grid, e.g.
'{"recommendation_neighbours": [20, 30, 50]}'), then reads the build's own evaluation: every
candidate's folds and the one-standard-error choice (recommendation_evaluation). Beside it, on
the same folds and with the same metrics, it evaluates references the build does not: implicit's
ALS, BM25 and cosine recommenders (fed baskets per product, or bought or not), and full EASE on
each counting unit (a dense inverse: catalogues of up to 10,000 products). A last table ranks
each product's similar-products list by several measures and scores how well each predicts what
a product's buyers buy next. The tables replace the part of --output between
<!-- tuning:SECTION:begin --> and <!-- tuning:SECTION:end -->.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse as sp
from dbt_runs import run_dbt  # scripts/ is on the path of a script it runs

from shopper_spectrum.recommend import Fold, Purchases, ScoringSettings, recommend, score_items
from shopper_spectrum.recommend.tuning import (
    evaluate_per_fold,
    evaluate_similar_products,
    load_folds,
    summarise,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FULL_EASE_MAX_PRODUCTS = 10_000


def build_settings(database: Path) -> ScoringSettings:
    """The scoring settings the build ran with (its manifest), so the references score alike."""
    manifest = json.loads((database.parent / "target" / "manifest.json").read_text())
    node = manifest["nodes"]["model.shopper_spectrum.recommendation_evaluation_folds"]
    return ScoringSettings.from_config(node["config"]["recommender"])


def build(
    variables: dict,
    database: Path,
    select: str | None = "+recommendation_evaluation +product_similarity",
) -> None:
    """`dbt build` into `database` (target and logs beside it): only `select` and its parents, if
    given, with the tests of those alone."""
    database.parent.mkdir(parents=True, exist_ok=True)
    selection = ["--select", select, "--indirect-selection", "cautious"] if select else []
    run_dbt(
        [
            "build",
            *selection,
            "--vars",
            json.dumps(variables),
            "--target-path",
            str(database.parent / "target"),
            "--log-path",
            str(database.parent / "logs"),
        ],
        database,
        PROJECT_ROOT,
    )


def read(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).df()


# References the build does not evaluate ----------------------------------------------------


class TrainingLines:
    """Purchases before each fold's cutoff, as customers × products matrices for the peers."""

    def __init__(self, lines: pd.DataFrame):
        self.lines = lines
        self.customers = pd.Index(np.sort(lines["customer_id"].unique()))
        self.products = pd.Index(np.sort(lines["product_key"].unique()))

    def customer_baskets(self, fold: Fold) -> sp.csr_matrix:
        """Customers × products: baskets in which the customer bought the product."""
        lines = self.lines[self.lines["invoiced_at"] < fold.training_cutoff]
        lines = lines.drop_duplicates(["customer_id", "invoice_id", "product_key"])
        matrix = sp.csr_matrix(
            (
                np.ones(len(lines), dtype=np.float32),
                (
                    self.customers.get_indexer(lines["customer_id"]),
                    self.products.get_indexer(lines["product_key"]),
                ),
            ),
            shape=(len(self.customers), len(self.products)),
        )
        matrix.sum_duplicates()
        return matrix


def implicit_models(training: TrainingLines, folds: list[Fold]) -> dict[str, pd.DataFrame]:
    """implicit's ALS (64 factors), BM25 and cosine on customers × products, fed either the
    baskets in which a customer bought each product or just whether they bought it."""
    # implicit is in the optional benchmark dependency group, so it is imported only here.
    from implicit.als import AlternatingLeastSquares  # noqa: PLC0415
    from implicit.nearest_neighbours import BM25Recommender, CosineRecommender  # noqa: PLC0415

    makers = {
        "implicit ALS (64 factors)": lambda: AlternatingLeastSquares(
            factors=64, random_state=42, calculate_training_loss=False
        ),
        "implicit BM25": BM25Recommender,
        "implicit cosine": CosineRecommender,
    }

    def evaluate(make, binary: bool) -> pd.DataFrame:
        def recommender(fold: Fold) -> pd.DataFrame:
            user_items = training.customer_baskets(fold)
            if binary:
                user_items.data[:] = 1.0
            model = make()
            model.fit(user_items, show_progress=False)
            customers = pd.unique(fold.truth["customer_id"])
            rows = training.customers.get_indexer(customers)
            ids, _ = model.recommend(rows, user_items[rows], N=10, filter_already_liked_items=True)
            return pd.DataFrame(
                {
                    "customer_id": np.repeat(customers, ids.shape[1]),
                    "rank": np.tile(np.arange(1, ids.shape[1] + 1), len(customers)),
                    "product_key": training.products.to_numpy()[np.maximum(ids, 0).ravel()],
                    "valid": ids.ravel() >= 0,
                }
            ).query("valid")

        return evaluate_per_fold(folds, recommender)

    return {
        f"{label}, {'bought or not' if binary else 'baskets per product'}": evaluate(make, binary)
        for label, make in makers.items()
        for binary in (False, True)
    }


def full_ease(
    folds: list[Fold], count_unit: str, l2_multiple: float, settings: ScoringSettings
) -> pd.DataFrame | None:
    """EASE's closed form on a unit's Gram (dense: small catalogues only), every weight counted,
    blended with nothing."""
    if max(fold.catalogue_size for fold in folds) > FULL_EASE_MAX_PRODUCTS:
        return None

    def recommender(fold: Fold) -> pd.DataFrame:
        gram = fold.gram[fold.gram["count_unit"] == count_unit]
        products = pd.Index(np.sort(fold.popularity["product_key"].unique()))
        a = products.get_indexer(gram["product_key_a"])
        b = products.get_indexer(gram["product_key_b"])
        dense = np.zeros((len(products), len(products)))
        dense[a, b] = gram["co_count"].to_numpy(dtype=float)
        dense[b, a] = gram["co_count"].to_numpy(dtype=float)
        diagonal = np.diag(dense).copy()
        dense[np.diag_indices_from(dense)] += l2_multiple * diagonal[diagonal > 0].mean()
        inverse = np.linalg.inv(dense)
        weights = -inverse / np.diag(inverse)[None, :]
        np.fill_diagonal(weights, 0.0)
        rows, cols = np.nonzero(weights > 0)
        frame = pd.DataFrame(
            {
                "neighbour_key": products.to_numpy()[rows],
                "product_key": products.to_numpy()[cols],
                "weight": weights[rows, cols],
            }
        )
        purchases = Purchases.from_history(
            fold.history, fold.training_cutoff, settings.half_life_days, products
        )
        return recommend(
            score_items(purchases, frame, weights_per_product=0),
            fold.popularity_by("all_time"),
            0.0,
            explain=False,
        )

    return evaluate_per_fold(folds, recommender)


# Similar products --------------------------------------------------------------------------


def basket_neighbours(fold: Fold) -> pd.DataFrame:
    """The build's list (product_similarity): the SQL neighbours, most shared baskets first."""
    return fold.neighbours[fold.neighbours["count_unit"] == "basket"]


def similar_by(measure: str):
    """Top-10 lists per product from the fold's basket counts, ranked by a pair measure."""

    def lists(fold: Fold) -> pd.DataFrame:
        gram = fold.gram[fold.gram["count_unit"] == "basket"]
        own = gram[gram["product_key_a"] == gram["product_key_b"]].set_index("product_key_a")
        pairs = gram[gram["product_key_a"] != gram["product_key_b"]]
        both = pairs["co_count"].to_numpy(dtype=float)
        count_a = own["co_count"].reindex(pairs["product_key_a"]).to_numpy(dtype=float)
        count_b = own["co_count"].reindex(pairs["product_key_b"]).to_numpy(dtype=float)
        score = {
            "jaccard": both / (count_a + count_b - both),
            "cosine": both / np.sqrt(count_a * count_b),
            "lift": both / (count_a * count_b),
        }[measure]
        directed = pd.concat(
            [
                pd.DataFrame(
                    {"product_key": pairs["product_key_a"], "neighbour_key": pairs["product_key_b"]}
                ),
                pd.DataFrame(
                    {"product_key": pairs["product_key_b"], "neighbour_key": pairs["product_key_a"]}
                ),
            ],
            ignore_index=True,
        ).assign(score=np.concatenate([score, score]))
        ranked = directed.sort_values(
            ["product_key", "score", "neighbour_key"], ascending=[True, False, True]
        )
        ranked = ranked.assign(rank=ranked.groupby("product_key").cumcount() + 1)
        return ranked[ranked["rank"] <= 10]

    return lists


# Report ------------------------------------------------------------------------------------


def cell(mean: float, se: float) -> str:
    return f"{mean:.4f} ± {se:.4f}" if pd.notna(se) else f"{mean:.4f}"


def candidates_table(evaluation: pd.DataFrame, top: int = 12) -> str:
    """The build's candidates: the best `top`, the best of each kind, and the choice."""
    kinds = evaluation.assign(
        kind=np.select(
            [evaluation["popularity_share"] == 1, evaluation["popularity_share"] == 0],
            ["popularity alone", "item model alone, " + evaluation["count_unit"].fillna("")],
            "blend, " + evaluation["count_unit"].fillna(""),
        )
    )
    best_of_kind = kinds.sort_values("precision_at_k", ascending=False).groupby("kind").head(1)
    shown = pd.concat(
        [
            kinds.sort_values("precision_at_k", ascending=False).head(top),
            best_of_kind,
            kinds[kinds["is_chosen"]],
        ]
    ).drop_duplicates("candidate")
    shown = shown.sort_values("precision_at_k", ascending=False)
    lines = [
        "| candidate | precision@10 | hit@10 | gap to the best | level with it | |",
        "|---|---|---|---|---|---|",
    ]
    for row in shown.itertuples():
        lines.append(
            f"| {row.label} | {cell(row.precision_at_k, row.precision_at_k_se)}"
            f" | {cell(row.hit_rate_at_k, row.hit_rate_at_k_se)}"
            f" | {cell(row.precision_gap_to_best, row.precision_gap_to_best_se)}"
            f" | {'yes' if row.is_level_with_best else 'no'}"
            f" | {'**chosen**' if row.is_chosen else ''} |"
        )
    return "\n".join(lines) + "\n"


def references_table(summary: pd.DataFrame, seconds: dict[str, float]) -> str:
    lines = [
        "| recommender | precision@10 | hit@10 | Δ precision@10 vs the chosen | seconds |",
        "|---|---|---|---|---|",
    ]
    for row in summary.itertuples():
        difference = (
            "—"
            if row.candidate == "the build's choice"
            else cell(row.precision_at_k_diff, row.precision_at_k_diff_se)
        )
        lines.append(
            f"| {row.candidate} | {cell(row.precision_at_k, row.precision_at_k_se)}"
            f" | {cell(row.hit_rate_at_k, row.hit_rate_at_k_se)} | {difference}"
            f" | {seconds.get(row.candidate, float('nan')):.1f} |"
        )
    return "\n".join(lines) + "\n"


def similar_table(summary: pd.DataFrame) -> str:
    lines = [
        "| ranking | precision@10 | hit@10 | Δ precision@10 vs the build's |",
        "|---|---|---|---|",
    ]
    for row in summary.itertuples():
        difference = (
            "—"
            if row.candidate.startswith("the build")
            else cell(row.precision_at_k_diff, row.precision_at_k_diff_se)
        )
        lines.append(
            f"| {row.candidate} | {cell(row.precision_at_k, row.precision_at_k_se)}"
            f" | {cell(row.hit_rate_at_k, row.hit_rate_at_k_se)} | {difference} |"
        )
    return "\n".join(lines) + "\n"


def write_record(report: str, output: Path, section: str) -> None:
    """Replace the section's generated part of the record, keeping the prose around it."""
    begin, end = f"<!-- tuning:{section}:begin -->", f"<!-- tuning:{section}:end -->"
    text = output.read_text() if output.exists() else ""
    if begin not in text or end not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    output.write_text(f"{head}{begin}\n{report}{end}{rest.split(end, 1)[1]}")


def export_parser(description: str) -> argparse.ArgumentParser:
    """A script's arguments that name the export to build and further dbt vars."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw-path", help="the export (dbt var raw_path)")
    parser.add_argument("--vars", default="{}", help="further dbt vars, as JSON")
    return parser


def main() -> None:
    parser = export_parser(__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--section", default="export", help="the record's section to replace")
    parser.add_argument(
        "--database", type=Path, default=PROJECT_ROOT / "build/tuning/tuning.duckdb"
    )
    parser.add_argument("--skip-build", action="store_true", help="reuse --database as built")
    parser.add_argument("--skip-references", action="store_true")
    parser.add_argument("--output", type=Path, help="write the markdown tables here")
    args = parser.parse_args()
    variables = {**json.loads(args.vars), "evaluation_folds": args.folds}
    if args.raw_path:
        variables["raw_path"] = args.raw_path
    if not args.skip_build:
        started = time.perf_counter()
        build(variables, args.database)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)

    evaluation = read(args.database, "select * from recommendation_evaluation")
    per_fold = read(args.database, "select * from recommendation_evaluation_folds")
    chosen = evaluation.loc[evaluation["is_chosen"], "candidate"].item()
    folds = load_folds(args.database)
    report = (
        f"Folds (training cutoffs): {', '.join(str(f.training_cutoff.date()) for f in folds)};"
        " customers evaluated per fold: "
        + ", ".join(str(f.truth["customer_id"].nunique()) for f in folds)
        + f"; {len(evaluation)} candidates.\n\n#### The build's candidates\n\n"
        + candidates_table(evaluation)
    )

    if not args.skip_references:
        references = {"the build's choice": per_fold[per_fold["candidate"] == chosen]}
        seconds: dict[str, float] = {}
        lines = read(
            args.database,
            "select lines.customer_id, lines.invoice_id, keys.product_key, lines.invoiced_at"
            " from int_sales_lines as lines inner join int_product_keys as keys"
            " using (product_code) where not lines.is_cancellation",
        )
        started = time.perf_counter()
        for label, table in implicit_models(TrainingLines(lines), folds).items():
            references[f"reference: {label}"] = table
        for label in references:
            seconds[label] = (time.perf_counter() - started) / 6
        for unit in ("basket", "customer"):
            for l2_multiple in (4.0, 16.0, 64.0):
                label = f"reference: full EASE on {unit}s, λ {l2_multiple:g}×"
                started = time.perf_counter()
                table = full_ease(folds, unit, l2_multiple, build_settings(args.database))
                if table is not None:
                    references[label], seconds[label] = table, time.perf_counter() - started
        summary = summarise(references, "the build's choice").sort_values(
            "precision_at_k", ascending=False
        )
        full = summary[summary["candidate"].str.contains("full EASE")]
        share = (
            f"The choice reaches {summary.iloc[0]['precision_at_k'] / full['precision_at_k'].max():.0%}"
            " of the best full EASE's precision@10.\n"
            if not full.empty
            else "Full EASE is not evaluated above 10,000 products.\n"
        )
        similar = {
            "the build's: most shared baskets (confidence)": basket_neighbours,
            "basket Jaccard": similar_by("jaccard"),
            "basket cosine": similar_by("cosine"),
            "lift": similar_by("lift"),
        }
        similar_summary = summarise(
            {name: evaluate_similar_products(folds, lists) for name, lists in similar.items()},
            "the build's: most shared baskets (confidence)",
        ).sort_values("precision_at_k", ascending=False)
        report += (
            "\n#### Against references the build does not run\n\n"
            + references_table(summary, seconds)
            + "\n"
            + share
            + "\n#### Similar products: what a product's buyers buy next\n\n"
            + similar_table(similar_summary)
        )
    if args.output:
        write_record(report, args.output, args.section)
    print(report)


if __name__ == "__main__":
    main()
