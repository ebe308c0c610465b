"""The build's recommendations against library peers on a held-out window of an export.

    uv run --group benchmark python scripts/evaluate_holdout.py \
        --raw-path ../shared/data/online_retail_2010-12_2011-06.csv.gz --days-back 30

Builds the export twice with dbt: as it is, and as of `--days-back` days before its as-of date
(var as_of_date), exactly as a user would have built it then. Customers who bought before that
cutoff and bought products new to them in the `--window` days after it are evaluated on those
new products: the build's customer_recommendations, and peers trained on the same purchases —
implicit's ALS, BM25 and cosine recommenders (each fed baskets per product, and bought or not)
and popularity (all time, and over the last 30 days). Prints precision@10 and hit@10 of each, its
difference from the build's precision@10 paired over the same customers (± its standard error),
and the recommender the build chose on its own folds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse as sp

# scripts/ is on the path of a script it runs
from tune_recommender import build as dbt_build
from tune_recommender import export_parser

from shopper_spectrum.recommend import evaluate_recommendations

PROJECT_ROOT = Path(__file__).resolve().parents[1]
K = 10


def build(database: Path, variables: dict) -> None:
    started = time.perf_counter()
    dbt_build(variables, database, select=None)
    print(f"built {database} in {time.perf_counter() - started:.0f} s", flush=True)


def held_out_truth(full: Path, cutoff: pd.Timestamp, window_days: int) -> pd.DataFrame:
    """customer_id, product_code: products each returning customer bought for the first time in
    the window (the customer bought something before the cutoff)."""
    with duckdb.connect(str(full), read_only=True) as con:
        return con.execute(
            """
            with firsts as (
                select customer_id, product_code, first_purchased_at
                from int_customer_product_history
            ),
            returning_customers as (
                select customer_id from firsts group by 1 having min(first_purchased_at) < ?
            )
            select firsts.customer_id, firsts.product_code
            from firsts inner join returning_customers using (customer_id)
            where first_purchased_at >= ? and first_purchased_at < ?
            """,
            [cutoff, cutoff, cutoff + pd.Timedelta(days=window_days)],
        ).df()


class Training:
    """The held-out build's purchases as a customers × products matrix for the peers."""

    def __init__(self, database: Path, cutoff: pd.Timestamp):
        with duckdb.connect(str(database), read_only=True) as con:
            lines = con.execute(
                "select customer_id, invoice_id, product_code, invoiced_at from int_sales_lines"
                " where not is_cancellation"
            ).df()
        self.lines = lines
        self.cutoff = cutoff
        self.customers = pd.Index(np.sort(lines["customer_id"].unique()))
        self.products = pd.Index(np.sort(lines["product_code"].unique()))
        baskets = lines.drop_duplicates(["customer_id", "invoice_id", "product_code"])
        self.baskets_per_product = sp.csr_matrix(
            (
                np.ones(len(baskets), dtype=np.float32),
                (
                    self.customers.get_indexer(baskets["customer_id"]),
                    self.products.get_indexer(baskets["product_code"]),
                ),
            ),
            shape=(len(self.customers), len(self.products)),
        )
        self.baskets_per_product.sum_duplicates()

    def popularity(self, recent_days: int | None) -> pd.DataFrame:
        lines = self.lines
        if recent_days is not None:
            lines = lines[lines["invoiced_at"] >= self.cutoff - pd.Timedelta(days=recent_days)]
        counts = lines.drop_duplicates(["customer_id", "product_code"])[
            "product_code"
        ].value_counts()
        ranked = counts.reindex(self.products, fill_value=0).sort_index()
        return ranked.sort_values(ascending=False, kind="stable").index

    def popularity_lists(self, customers: np.ndarray, recent_days: int | None) -> pd.DataFrame:
        ranked = self.popularity(recent_days)
        owned = self.lines.groupby("customer_id")["product_code"].agg(set)
        rows = []
        for customer in customers:
            mine = owned.get(customer, set())
            picks = [code for code in ranked[: K + len(mine)] if code not in mine][:K]
            rows += [(customer, rank, code) for rank, code in enumerate(picks, 1)]
        return pd.DataFrame(rows, columns=["customer_id", "rank", "product_code"])

    def implicit_lists(self, customers: np.ndarray, make, binary: bool) -> pd.DataFrame:
        user_items = self.baskets_per_product.copy()
        if binary:
            user_items.data[:] = 1.0
        model = make()
        model.fit(user_items, show_progress=False)
        rows = self.customers.get_indexer(customers)
        ids, _ = model.recommend(rows, user_items[rows], N=K, filter_already_liked_items=True)
        frame = pd.DataFrame(
            {
                "customer_id": np.repeat(customers, ids.shape[1]),
                "rank": np.tile(np.arange(1, ids.shape[1] + 1), len(customers)),
                "product_code": self.products.to_numpy()[np.maximum(ids, 0).ravel()],
                "valid": ids.ravel() >= 0,
            }
        )
        return frame[frame["valid"]].drop(columns="valid")


def hits_per_customer(
    lists: pd.DataFrame, truth: pd.DataFrame, customers: np.ndarray
) -> np.ndarray:
    """Each evaluated customer's hits in their top K: the unit a paired difference is taken over."""
    top = lists[lists["rank"] <= K].merge(truth, on=["customer_id", "product_code"])
    counts = top.groupby("customer_id").size()
    return counts.reindex(customers, fill_value=0).to_numpy(dtype=float)


def peers(training: Training, customers: np.ndarray) -> dict[str, pd.DataFrame]:
    # implicit is in the optional benchmark dependency group, so it is imported only here.
    from implicit.als import AlternatingLeastSquares  # noqa: PLC0415
    from implicit.nearest_neighbours import BM25Recommender, CosineRecommender  # noqa: PLC0415

    lists = {
        "popularity, all time": training.popularity_lists(customers, None),
        "popularity, last 30 days": training.popularity_lists(customers, 30),
    }
    makers = {
        "implicit ALS (64 factors)": lambda: AlternatingLeastSquares(
            factors=64, random_state=42, calculate_training_loss=False
        ),
        "implicit BM25": BM25Recommender,
        "implicit cosine": CosineRecommender,
    }
    for label, make in makers.items():
        for binary in (False, True):
            name = f"{label}, {'bought or not' if binary else 'baskets per product'}"
            lists[name] = training.implicit_lists(customers, make, binary)
    return lists


def main() -> None:
    parser = export_parser(__doc__)
    parser.add_argument("--days-back", type=int, default=30)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--workdir", type=Path, default=PROJECT_ROOT / "build/holdout")
    parser.add_argument("--skip-full-build", action="store_true")
    parser.add_argument("--skip-builds", action="store_true", help="reuse both databases as built")
    args = parser.parse_args()
    variables = json.loads(args.vars)
    if args.raw_path:
        variables["raw_path"] = args.raw_path
    full, held_out = args.workdir / "full.duckdb", args.workdir / "held_out.duckdb"
    if not (args.skip_full_build or args.skip_builds):
        build(full, variables)
    with duckdb.connect(str(full), read_only=True) as con:
        as_of = pd.Timestamp(con.execute("select as_of_date from int_as_of_date").fetchone()[0])
    cutoff = as_of - pd.Timedelta(days=args.days_back)
    if not args.skip_builds:
        build(held_out, {**variables, "as_of_date": str(cutoff.date())})

    truth = held_out_truth(full, cutoff, args.window)
    customers = np.sort(truth["customer_id"].unique())
    with duckdb.connect(str(held_out), read_only=True) as con:
        built = con.execute(
            "select customer_id, rank, product_code from customer_recommendations"
        ).df()
        chosen = con.execute(
            "select label from recommendation_evaluation where is_chosen"
        ).fetchone()
    lists = {"the build": built, **peers(Training(held_out, cutoff), customers)}
    catalogue = truth["product_code"].nunique()
    print(
        f"\nheld out: {args.window} days from {cutoff.date()} ({args.days_back} days before"
        f" {as_of.date()}); {len(customers):,} customers; the build chose: "
        f"{chosen[0] if chosen else 'no fold'}\n"
    )
    print(
        "| recommender | precision@10 | hit@10 | Δ precision@10 vs the build |\n|---|---|---|---|"
    )
    build_hits = hits_per_customer(built, truth, customers)
    for name, recs in lists.items():
        metrics = evaluate_recommendations(
            recs.rename(columns={"product_code": "product_key"}),
            truth.rename(columns={"product_code": "product_key"}),
            catalogue,
            K,
        )
        # paired over customers: the same customers, each list's hits minus the build's
        difference = (hits_per_customer(recs, truth, customers) - build_hits) / K
        delta = (
            "—"
            if name == "the build"
            else f"{difference.mean():+.4f} ± {difference.std(ddof=1) / np.sqrt(len(difference)):.4f}"
        )
        print(
            f"| {name} | {metrics['precision_at_k']:.4f} | {metrics['hit_rate_at_k']:.3f}"
            f" | {delta} |"
        )


if __name__ == "__main__":
    main()
