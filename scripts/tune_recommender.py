"""Choose the recommender's settings on rolling-origin folds and write the record.

    uv run --group benchmark python scripts/tune_recommender.py \
        --raw-path ../shared/data/online_retail_2010-12_2011-06.csv.gz \
        --output docs/recommendation_tuning.md

Builds the export's folds with dbt (more folds than the build's default, every co-occurring pair
kept and 100 neighbours ranked, so any smaller setting is a filter of the same tables), then
evaluates, fold by fold and with the build's own code (shopper_spectrum.recommend), the item
model over a grid of settings, and beside it references the project does not build: implicit's
ALS, BM25 and cosine recommenders, the previous default (customer-level Jaccard² item-kNN), full
EASE, and the item model fitted on customer-level and customer-month counts. A second table ranks
each product's similar-products list by several measures and scores how well each predicts what a
product's buyers buy next.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse as sp

from shopper_spectrum.recommend import (
    Fold,
    RecommenderSettings,
    fit_item_model,
    popularity_recommendations,
    recommend,
)
from shopper_spectrum.recommend.tuning import (
    evaluate_item_model,
    evaluate_per_fold,
    evaluate_similar_products,
    load_folds,
    summarise,
    with_min_cooccurrence,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT = RecommenderSettings()
DEFAULT_MIN_COOCCURRENCE = 2
MAX_NEIGHBOURS = 100
FULL_EASE_MAX_PRODUCTS = 10_000


def build_folds(raw_path: str, folds: int, database: Path) -> None:
    """Build the models the folds are read from, with every pair kept and 100 neighbours ranked."""
    database.parent.mkdir(parents=True, exist_ok=True)
    variables = {
        "raw_path": raw_path,
        "evaluation_folds": folds,
        "min_cooccurrence": 1,
        "recommendation_neighbours": MAX_NEIGHBOURS,
        "evaluation_max_customers": 1_000_000_000,
    }
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--select",
            "+int_recommendation_fold_customers +int_item_neighbours",
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps(variables),
            "--target-path",
            str(database.parent / "target"),
            "--log-path",
            str(database.parent / "logs"),
        ],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "SHOPPER_SPECTRUM_DB": str(database),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        check=True,
    )


def purchase_lines(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(
            """
            select lines.customer_id, lines.invoice_id, keys.product_key, lines.invoiced_at
            from int_sales_lines as lines
            inner join int_product_keys as keys on lines.product_code = keys.product_code
            where not lines.is_cancellation
            """
        ).df()


# The item model over a grid ------------------------------------------------------------------


def item_model_grid() -> list[tuple[str, RecommenderSettings, int]]:
    """(label, settings, min_cooccurrence): the default, then one or two choices varied at a time."""
    grid = [("default", DEFAULT, DEFAULT_MIN_COOCCURRENCE)]
    for neighbours in (10, 20, 30, 50, 100):
        for l2_multiple in (1.0, 2.0, 4.0, 8.0, 16.0):
            if (neighbours, l2_multiple) != (DEFAULT.neighbours, DEFAULT.l2_multiple):
                grid.append(
                    (
                        f"K = {neighbours}, λ = {l2_multiple:g} × mean basket count",
                        replace(DEFAULT, neighbours=neighbours, l2_multiple=l2_multiple),
                        DEFAULT_MIN_COOCCURRENCE,
                    )
                )
    for half_life in (30.0, 60.0, 180.0, float("inf")):
        grid.append(
            (
                f"half-life {half_life:g} days",
                replace(DEFAULT, half_life_days=half_life),
                DEFAULT_MIN_COOCCURRENCE,
            )
        )
    for min_cooccurrence in (1, 3, 5):
        grid.append((f"min_cooccurrence = {min_cooccurrence}", DEFAULT, min_cooccurrence))
    for per_product in (10, 50, 0):
        grid.append(
            (
                f"weights per bought product: {per_product or 'all'}",
                replace(DEFAULT, weights_per_product=per_product),
                DEFAULT_MIN_COOCCURRENCE,
            )
        )
    return grid


def fixed_l2(folds: list[Fold], l2: float) -> dict[int, float]:
    """Per fold, the l2_multiple that makes λ equal to a fixed value on that fold."""
    return {fold.number: l2 / float(fold.product_baskets.astype(float).mean()) for fold in folds}


def item_model_with_fixed_l2(folds: list[Fold], l2: float) -> pd.DataFrame:
    multiples = fixed_l2(folds, l2)
    return evaluate_per_fold(
        folds,
        lambda fold: _item_model(
            with_min_cooccurrence(fold, DEFAULT_MIN_COOCCURRENCE),
            replace(DEFAULT, l2_multiple=multiples[fold.number]),
        ),
    )


def _item_model(fold: Fold, settings: RecommenderSettings) -> pd.DataFrame:
    neighbours = fold.neighbours[fold.neighbours["rank"] <= settings.neighbours]
    weights = fit_item_model(fold.gram, neighbours, settings.l2_multiple)
    return recommend(
        fold.history, weights, fold.training_cutoff, settings, best_sellers=fold.product_baskets
    )


# References the project does not build -------------------------------------------------------


class TrainingLines:
    """Purchases before each fold's cutoff, as sparse matrices for the reference models."""

    def __init__(self, lines: pd.DataFrame):
        self.lines = lines
        self.customers = pd.Index(np.sort(lines["customer_id"].unique()))
        self.products = pd.Index(np.sort(lines["product_key"].unique()))

    def before(self, fold: Fold) -> pd.DataFrame:
        return self.lines[self.lines["invoiced_at"] < fold.training_cutoff]

    def customer_baskets(self, fold: Fold) -> sp.csr_matrix:
        """Customers × products: baskets in which the customer bought the product."""
        lines = self.before(fold).drop_duplicates(["customer_id", "invoice_id", "product_key"])
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

    def unit_gram(self, fold: Fold, unit: str) -> pd.DataFrame:
        """Pair counts over other units than baskets: customers, or customers per month."""
        lines = self.before(fold)
        if unit == "customer":
            units = lines["customer_id"]
        else:
            units = lines["customer_id"] + "|" + lines["invoiced_at"].dt.strftime("%Y-%m")
        unit_codes, unit_index = np.unique(units.to_numpy(), return_inverse=True)
        incidence = sp.csr_matrix(
            (
                np.ones(len(lines)),
                (unit_index, self.products.get_indexer(lines["product_key"])),
            ),
            shape=(len(unit_codes), len(self.products)),
        )
        incidence.sum_duplicates()
        incidence.data[:] = 1.0
        gram = sp.triu(incidence.T @ incidence).tocoo()
        return pd.DataFrame(
            {
                "product_key_a": self.products.to_numpy()[gram.row],
                "product_key_b": self.products.to_numpy()[gram.col],
                "baskets": gram.data,
            }
        )


def neighbours_by_count(gram: pd.DataFrame, top_k: int, min_count: float) -> pd.DataFrame:
    """Each product's top_k partners by the gram's count column, both directions of each pair."""
    pairs = gram[(gram["product_key_a"] != gram["product_key_b"]) & (gram["baskets"] >= min_count)]
    both = pd.concat(
        [
            pairs.rename(
                columns={"product_key_a": "product_key", "product_key_b": "neighbour_key"}
            ),
            pairs.rename(
                columns={"product_key_b": "product_key", "product_key_a": "neighbour_key"}
            ),
        ]
    )
    return top_lists(both.rename(columns={"baskets": "co_baskets"}), "co_baskets", top_k)


def top_lists(directed: pd.DataFrame, score: str, top_k: int) -> pd.DataFrame:
    """product_key -> its top_k neighbour_key by score (ties to the smaller key), with rank."""
    ranked = directed.sort_values(
        ["product_key", score, "neighbour_key"], ascending=[True, False, True]
    )
    ranked = ranked.assign(rank=ranked.groupby("product_key").cumcount() + 1)
    return ranked[ranked["rank"] <= top_k]


def item_model_on_units(training: TrainingLines, folds: list[Fold], unit: str) -> pd.DataFrame:
    def recommender(fold: Fold) -> pd.DataFrame:
        gram = training.unit_gram(fold, unit)
        gram = gram[
            (gram["product_key_a"] == gram["product_key_b"])
            | (gram["baskets"] >= DEFAULT_MIN_COOCCURRENCE)
        ]
        neighbours = neighbours_by_count(gram, DEFAULT.neighbours, DEFAULT_MIN_COOCCURRENCE)
        return _item_model(replace(fold, gram=gram, neighbours=neighbours), DEFAULT)

    return evaluate_per_fold(folds, recommender)


def previous_default(training: TrainingLines, folds: list[Fold]) -> pd.DataFrame:
    """Customer-level Jaccard, 100 neighbours, similarity², 90-day decay: the default until now
    (every neighbour's weight counted, as it was)."""
    settings = replace(DEFAULT, weights_per_product=0)

    def recommender(fold: Fold) -> pd.DataFrame:
        gram = training.unit_gram(fold, "customer")
        own = gram[gram["product_key_a"] == gram["product_key_b"]].set_index("product_key_a")
        pairs = gram[(gram["product_key_a"] != gram["product_key_b"]) & (gram["baskets"] >= 2)]
        count_a = own["baskets"].reindex(pairs["product_key_a"]).to_numpy()
        count_b = own["baskets"].reindex(pairs["product_key_b"]).to_numpy()
        jaccard = pairs["baskets"].to_numpy() / (count_a + count_b - pairs["baskets"].to_numpy())
        ranked = neighbours_by_count(pairs.assign(baskets=jaccard), 100, 0)
        weights = ranked.rename(
            columns={"product_key": "neighbour_key", "neighbour_key": "product_key"}
        ).assign(weight=lambda frame: frame["co_baskets"] ** 2)
        return recommend(
            fold.history,
            weights,
            fold.training_cutoff,
            settings,
            best_sellers=fold.product_baskets,
        )

    return evaluate_per_fold(folds, recommender)


def full_ease(folds: list[Fold], l2_multiple: float) -> pd.DataFrame | None:
    """EASE's closed form on the basket Gram (dense: small catalogues only), every weight counted."""
    settings = replace(DEFAULT, weights_per_product=0)
    if max(len(fold.product_baskets) for fold in folds) > FULL_EASE_MAX_PRODUCTS:
        return None

    def recommender(fold: Fold) -> pd.DataFrame:
        gram = with_min_cooccurrence(fold, DEFAULT_MIN_COOCCURRENCE).gram
        products = pd.Index(
            np.sort(pd.unique(gram[["product_key_a", "product_key_b"]].values.ravel()))
        )
        a = products.get_indexer(gram["product_key_a"])
        b = products.get_indexer(gram["product_key_b"])
        dense = np.zeros((len(products), len(products)))
        dense[a, b] = gram["baskets"].to_numpy(dtype=float)
        dense[b, a] = gram["baskets"].to_numpy(dtype=float)
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
        return recommend(
            fold.history, frame, fold.training_cutoff, settings, best_sellers=fold.product_baskets
        )

    return evaluate_per_fold(folds, recommender)


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
        "implicit BM25Recommender": BM25Recommender,
        "implicit CosineRecommender": CosineRecommender,
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


# Similar products --------------------------------------------------------------------------


def similar_by(measure: str):
    """Top-10 lists per product from the fold's basket counts, ranked by a pair measure."""

    def lists(fold: Fold) -> pd.DataFrame:
        gram = with_min_cooccurrence(fold, DEFAULT_MIN_COOCCURRENCE).gram
        own = gram[gram["product_key_a"] == gram["product_key_b"]].set_index("product_key_a")
        pairs = gram[gram["product_key_a"] != gram["product_key_b"]]
        both = pairs["baskets"].to_numpy(dtype=float)
        count_a = own["baskets"].reindex(pairs["product_key_a"]).to_numpy(dtype=float)
        count_b = own["baskets"].reindex(pairs["product_key_b"]).to_numpy(dtype=float)
        score = {
            "jaccard": both / (count_a + count_b - both),
            "cosine": both / np.sqrt(count_a * count_b),
            "lift": both / (count_a * count_b),
        }[measure]
        return neighbours_by_count(pairs.assign(baskets=score), 10, 0)

    return lists


def similar_by_item_model(fold: Fold) -> pd.DataFrame:
    """A product's list: the products its purchase predicts most strongly (largest weights)."""
    fold = with_min_cooccurrence(fold, DEFAULT_MIN_COOCCURRENCE)
    neighbours = fold.neighbours[fold.neighbours["rank"] <= DEFAULT.neighbours]
    weights = fit_item_model(fold.gram, neighbours, DEFAULT.l2_multiple)
    predicted = weights[weights["weight"] > 0].rename(
        columns={"product_key": "neighbour_key", "neighbour_key": "product_key"}
    )
    return top_lists(predicted, "weight", 10)


def similar_by_customer_jaccard(training: TrainingLines):
    def lists(fold: Fold) -> pd.DataFrame:
        gram = training.unit_gram(fold, "customer")
        own = gram[gram["product_key_a"] == gram["product_key_b"]].set_index("product_key_a")
        pairs = gram[(gram["product_key_a"] != gram["product_key_b"]) & (gram["baskets"] >= 2)]
        both = pairs["baskets"].to_numpy(dtype=float)
        count_a = own["baskets"].reindex(pairs["product_key_a"]).to_numpy(dtype=float)
        count_b = own["baskets"].reindex(pairs["product_key_b"]).to_numpy(dtype=float)
        return neighbours_by_count(pairs.assign(baskets=both / (count_a + count_b - both)), 10, 0)

    return lists


def build_confidence(fold: Fold) -> pd.DataFrame:
    """The build's list (product_similarity): the SQL neighbours, most shared baskets first."""
    return with_min_cooccurrence(fold, DEFAULT_MIN_COOCCURRENCE).neighbours


# Report ------------------------------------------------------------------------------------


def timed(label: str, evaluate) -> tuple[str, pd.DataFrame | None, float]:
    started = time.perf_counter()
    result = evaluate()
    seconds = time.perf_counter() - started
    if result is not None:
        print(
            f"{label:55s} p@10 {result['precision_at_k'].mean():.4f} "
            f"hit@10 {result['hit_rate_at_k'].mean():.4f} ({seconds:.1f} s)",
            flush=True,
        )
    return label, result, seconds


def markdown_table(
    summary: pd.DataFrame, columns: list[str], seconds: dict[str, float] | None = None
) -> str:
    """Mean ± standard error over folds, and the paired difference in precision@10 to the default."""
    names = [*columns, "Δ precision@10 vs default", *(["seconds"] if seconds else [])]
    lines = ["| candidate | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for row in summary.itertuples():
        cells = [f"{getattr(row, c):.4f} ± {getattr(row, c + '_se'):.4f}" for c in columns]
        cells.append(
            "—"
            if row.candidate.startswith("default")
            else f"{row.precision_at_k_diff:+.4f} ± {row.precision_at_k_diff_se:.4f}"
        )
        if seconds:
            cells.append(f"{seconds[row.candidate]:.1f}")
        lines.append(f"| {row.candidate} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_record(report: str, output: Path) -> None:
    """Replace the generated part of the record (between the markers), keeping the prose around it."""
    begin, end = "<!-- tuning:begin -->", "<!-- tuning:end -->"
    text = output.read_text() if output.exists() else f"{begin}\n{end}\n"
    if begin not in text or end not in text:
        raise SystemExit(f"{output} has no {begin} ... {end} section to replace")
    head, rest = text.split(begin, 1)
    output.write_text(f"{head}{begin}\n{report}{end}{rest.split(end, 1)[1]}")


def personalised_summary(
    folds: list[Fold], training: TrainingLines, skip_references: bool
) -> tuple[pd.DataFrame, dict[str, float]]:
    """The item-model grid, popularity and the references, summarised over folds."""
    results = []
    for label, settings, min_cooccurrence in item_model_grid():
        results.append(
            timed(label, lambda s=settings, m=min_cooccurrence: evaluate_item_model(folds, s, m))
        )
    for l2 in (100.0, 300.0):
        results.append(
            timed(f"λ = {l2:g} (fixed)", lambda l2=l2: item_model_with_fixed_l2(folds, l2))
        )
    results.append(
        timed(
            "popularity (the build's baseline)",
            lambda: evaluate_per_fold(
                folds,
                lambda fold: popularity_recommendations(fold.product_baskets, fold.history),
            ),
        )
    )
    if not skip_references:
        results.append(
            timed(
                "reference: previous default (customer Jaccard², 100 neighbours)",
                lambda: previous_default(training, folds),
            )
        )
        for unit in ("customer", "customer_month"):
            results.append(
                timed(
                    f"reference: item model on {unit.replace('_', '-')} counts",
                    lambda u=unit: item_model_on_units(training, folds, u),
                )
            )
        for l2_multiple in (4.0, 16.0, 64.0):
            results.append(
                timed(
                    f"reference: full EASE (dense inverse), λ = {l2_multiple:g} × mean basket count",
                    lambda m=l2_multiple: full_ease(folds, m),
                )
            )
        started = time.perf_counter()
        for label, table in implicit_models(training, folds).items():
            results.append((f"reference: {label}", table, (time.perf_counter() - started) / 6))
    per_fold = {label: table for label, table, _ in results if table is not None}
    seconds = {label: spent for label, _, spent in results}
    summary = summarise(per_fold, "default").sort_values("precision_at_k", ascending=False)

    return summary, seconds


def similar_products_summary(
    folds: list[Fold], training: TrainingLines, skip_references: bool
) -> pd.DataFrame:
    """Each ranking of the similar-products lists, summarised over folds."""
    similar = {
        "default": build_confidence,
        "basket Jaccard": similar_by("jaccard"),
        "basket cosine": similar_by("cosine"),
        "lift": similar_by("lift"),
        "item-model weights": similar_by_item_model,
    }
    if not skip_references:
        similar["reference: customer Jaccard (the previous measure)"] = similar_by_customer_jaccard(
            training
        )
    similar_per_fold = {
        label: evaluate_similar_products(folds, lists) for label, lists in similar.items()
    }
    summary = summarise(similar_per_fold, "default").sort_values("precision_at_k", ascending=False)
    return summary.replace({"candidate": {"default": "default: most shared baskets (confidence)"}})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw-path", required=True, help="the export (dbt var raw_path)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--database", type=Path, default=PROJECT_ROOT / "build/tuning/tuning.duckdb"
    )
    parser.add_argument("--skip-build", action="store_true", help="reuse --database as built")
    parser.add_argument("--skip-references", action="store_true")
    parser.add_argument("--output", type=Path, help="write the markdown tables here")
    args = parser.parse_args()
    if not args.skip_build:
        build_folds(args.raw_path, args.folds, args.database)
    folds = load_folds(args.database)
    training = TrainingLines(purchase_lines(args.database))
    print(
        "folds: "
        + ", ".join(
            f"{fold.training_cutoff.date()} ({fold.truth['customer_id'].nunique()} customers)"
            for fold in folds
        )
    )

    summary, seconds = personalised_summary(folds, training, args.skip_references)
    similar_summary = similar_products_summary(folds, training, args.skip_references)

    cutoffs = ", ".join(str(fold.training_cutoff.date()) for fold in folds)
    report = (
        f"Folds (training cutoffs): {cutoffs}; customers evaluated per fold: "
        + ", ".join(str(fold.truth["customer_id"].nunique()) for fold in folds)
        + ".\n\n### Personalised recommendations (customer_recommendations)\n\n"
        + markdown_table(
            summary, ["precision_at_k", "hit_rate_at_k", "ndcg_at_k", "catalogue_coverage"], seconds
        )
        + "\n### Similar products (product_similarity): what a product's buyers buy next\n\n"
        + markdown_table(similar_summary, ["precision_at_k", "hit_rate_at_k"])
    )
    if args.output:
        write_record(report, args.output)
    print(report)


if __name__ == "__main__":
    main()
