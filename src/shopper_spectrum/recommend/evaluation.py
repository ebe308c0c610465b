"""Offline evaluation on rolling-origin folds: precision, recall, hit rate, NDCG at k and coverage.

A fold trains on every purchase before its cutoff and tests on the products each customer buys
for the first time in the window after it. Every candidate recommender (candidates.py) is scored
on every fold through the code customer_recommendations runs: fit_item_model, score_items and
recommend. recommendation_evaluation then chooses between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from shopper_spectrum.buckets import in_threads
from shopper_spectrum.recommend.candidates import Candidate, CandidateGrid, evaluated_candidates
from shopper_spectrum.recommend.item_model import fit_item_models
from shopper_spectrum.recommend.scoring import (
    Purchases,
    ScoringSettings,
    recommend_each,
    score_items,
)

METRICS = ("precision_at_k", "recall_at_k", "hit_rate_at_k", "ndcg_at_k", "catalogue_coverage")
POPULARITY_COLUMNS = {"all_time": "customers", "recent": "recent_customers"}
# recommendation_evaluation_folds' columns, so that a build too short for any fold still has them.
FOLD_COLUMNS = {
    "candidate": "int64",
    "label": "object",
    "count_unit": "object",
    "neighbours": "Int64",
    "l2_multiple": "float64",
    "popularity_window": "object",
    "popularity_share": "float64",
    "is_candidate": "bool",
    "fold": "int64",
    "training_cutoff": "datetime64[us]",
    "k": "int64",
    "customers_evaluated": "int64",
    **dict.fromkeys(METRICS, "float64"),
    "inputs_digest": "object",
}


@dataclass(frozen=True)
class Fold:
    """One training set's counts, popularity and customers (the int_recommendation_* tables);
    for the production set (fold 0) history holds every customer and truth is empty."""

    number: int
    training_cutoff: pd.Timestamp
    gram: pd.DataFrame  # count_unit, product_key_a, product_key_b, co_count (a fit's entries)
    neighbours: pd.DataFrame  # count_unit, product_key, rank, neighbour_key, co_count
    popularity: pd.DataFrame  # product_key, customers, recent_customers
    history: pd.DataFrame  # customer_id, product_key, last_purchased_at: before the cutoff
    truth: pd.DataFrame  # customer_id, product_key: new to the customer in the test window
    # Item models fitted already (count_unit, neighbours, l2_multiple, product_key,
    # neighbour_key, weight), as Spark fits them by buckets of products; else fitted from gram.
    fitted: pd.DataFrame | None = None
    # What the fold's rows depend on (reuse.fold_keys), recorded with them.
    inputs_digest: str | None = None

    @classmethod
    def from_tables(
        cls,
        number: int,
        training_cutoff,
        *,
        gram: pd.DataFrame | None = None,
        neighbours: pd.DataFrame | None = None,
        popularity: pd.DataFrame,
        fold_customers: pd.DataFrame,
        fitted: pd.DataFrame | None = None,
        inputs_digest: str | None = None,
    ) -> Fold:
        """fold_customers: int_recommendation_fold_customers' rows of this fold."""
        is_truth = fold_customers["is_truth"].astype(bool).to_numpy()
        rows = pd.DataFrame(
            {
                "customer_id": fold_customers["customer_id"].to_numpy(),
                "product_key": fold_customers["product_key"].to_numpy(),
                "last_purchased_at": fold_customers["last_purchased_at"].to_numpy(),
            }
        )
        return cls(
            number=number,
            training_cutoff=pd.Timestamp(training_cutoff),
            gram=gram,
            neighbours=neighbours,
            popularity=popularity,
            history=rows.loc[~is_truth].reset_index(drop=True),
            truth=rows.loc[is_truth, ["customer_id", "product_key"]].reset_index(drop=True),
            fitted=fitted,
            inputs_digest=inputs_digest,
        )

    def popularity_by(self, window: str) -> pd.Series:
        """Customers per product (all time, or recent) before the cutoff, by product key."""
        return self.popularity.set_index("product_key")[POPULARITY_COLUMNS[window]]

    @cached_property
    def catalogue_size(self) -> int:
        """Products bought before the cutoff."""
        return int((self.popularity["customers"] > 0).sum())

    def item_weights(
        self, count_unit: str, settings: list[tuple[int, float]]
    ) -> dict[tuple[int, float], pd.DataFrame]:
        """Item models fitted on this fold's counts of count_unit, one per (K, l2_multiple)."""
        if self.fitted is not None:
            return fitted_by_setting(self.fitted, count_unit, settings)
        # numeric columns only: taking rows of the text column costs more than the fit
        of_unit = (self.gram["count_unit"] == count_unit).to_numpy(dtype=bool)
        gram = self.gram[["product_key_a", "product_key_b", "co_count"]][of_unit]
        neighbours = self.neighbours[
            (self.neighbours["count_unit"] == count_unit)
            & (self.neighbours["rank"] <= max(k for k, _ in settings))
        ]
        return fit_item_models(gram, neighbours, settings)

    def purchases(self, settings: ScoringSettings) -> Purchases:
        """The evaluated customers' histories over every product bought before the cutoff."""
        return Purchases.from_history(
            self.history,
            self.training_cutoff,
            settings.half_life_days,
            products=self.popularity["product_key"],
        )


def fitted_by_setting(
    fitted: pd.DataFrame, count_unit: str, settings: list[tuple[int, float]]
) -> dict[tuple[int, float], pd.DataFrame]:
    """Fitted item models (stacked_item_models' rows) split by (K, l2_multiple)."""
    of_unit = fitted[fitted["count_unit"] == count_unit]
    by_setting = dict(list(of_unit.groupby(["neighbours", "l2_multiple"])))
    empty = of_unit.iloc[:0]
    return {
        (k, l2): by_setting.get((k, l2), empty)[
            ["product_key", "neighbour_key", "weight"]
        ].reset_index(drop=True)
        for k, l2 in settings
    }


def stacked_item_models(
    gram: pd.DataFrame,
    neighbours: pd.DataFrame,
    settings: list[tuple[int, float]],
    mean_count: float | None = None,
) -> pd.DataFrame:
    """fit_item_models' models as one table, each row with its neighbours (K) and l2_multiple."""
    fits = fit_item_models(gram, neighbours, settings, mean_count=mean_count)
    return pd.concat(
        [
            fitted.assign(neighbours=k, l2_multiple=l2_multiple)
            for (k, l2_multiple), fitted in fits.items()
        ],
        ignore_index=True,
    )


NO_ITEM_MODEL = pd.DataFrame({"product_key": [], "neighbour_key": [], "weight": []})


def candidate_recommendations(
    fold: Fold, candidates: Iterable[Candidate], settings: ScoringSettings
) -> Iterable[tuple[Candidate, pd.DataFrame]]:
    """Each candidate's lists for the fold's customers. Item models of one unit are fitted
    together, each is scored once, and the blends sharing a popularity window are ranked
    together. Units are fitted, and models scored, on a thread per core: a month's build
    evaluates a single fold, whose work would otherwise hold one core."""
    candidates = list(candidates)
    fits: dict[str, set[tuple[int, float]]] = {}
    for candidate in candidates:
        if candidate.uses_item_model:
            fits.setdefault(candidate.count_unit, set()).add(
                (candidate.neighbours, candidate.l2_multiple)
            )
    weights: dict[tuple | None, pd.DataFrame] = {None: NO_ITEM_MODEL}
    fitted_units = in_threads(lambda unit: fold.item_weights(unit, sorted(fits[unit])), fits)
    for unit, fitted in zip(fits, fitted_units, strict=True):
        for (k, l2_multiple), unit_weights in fitted.items():
            weights[(unit, k, l2_multiple)] = unit_weights
    by_model: dict[tuple | None, list[Candidate]] = {}
    for candidate in candidates:
        model = (
            (candidate.count_unit, candidate.neighbours, candidate.l2_multiple)
            if candidate.uses_item_model
            else None
        )
        by_model.setdefault(model, []).append(candidate)
    purchases = fold.purchases(settings)

    def lists_of(model: tuple | None) -> dict[tuple, pd.DataFrame]:
        windows = dict.fromkeys(c.fill_window for c in by_model[model])
        return recommend_each(
            score_items(purchases, weights[model], settings.weights_per_product),
            {window: fold.popularity_by(window) for window in windows},
            {
                w: [c.popularity_share for c in by_model[model] if c.fill_window == w]
                for w in windows
            },
            settings.top_n,
            explain=False,
        )

    for model, lists in zip(by_model, in_threads(lists_of, by_model), strict=True):
        for candidate in by_model[model]:
            yield candidate, lists[(candidate.fill_window, candidate.popularity_share)]


def evaluate_fold(fold: Fold, grid: CandidateGrid, settings: ScoringSettings) -> pd.DataFrame:
    """One row of metrics per evaluated candidate on one fold: the grid's candidates and the
    popularity baselines (is_candidate false when the grid leaves them out), numbered simplest
    first."""
    candidates = evaluated_candidates(grid)
    number = {candidate: i for i, candidate in enumerate(candidates, 1)}
    rows = [
        {
            "candidate": number[candidate],
            "label": candidate.label,
            "count_unit": candidate.count_unit if candidate.uses_item_model else None,
            "neighbours": candidate.neighbours,
            "l2_multiple": candidate.l2_multiple,
            "popularity_window": candidate.popularity_window,
            "popularity_share": candidate.popularity_share,
            "is_candidate": grid.allows(candidate),
            "fold": fold.number,
            "training_cutoff": fold.training_cutoff,
            "k": settings.top_n,
            **evaluate_recommendations(recs, fold.truth, fold.catalogue_size, settings.top_n),
            "inputs_digest": fold.inputs_digest,
        }
        for candidate, recs in candidate_recommendations(fold, candidates, settings)
    ]
    return pd.DataFrame(rows).sort_values("candidate", ignore_index=True)


def stack_folds(evaluated: list[pd.DataFrame]) -> pd.DataFrame:
    """The evaluate_fold tables as one, with its columns and types even when there is no fold."""
    if not evaluated:
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in FOLD_COLUMNS.items()})
    # In fold and candidate order, however the folds came (kept or evaluated, in threads): the
    # folds' means are summed in the table's order, which must not change them in the last bit.
    stacked = pd.concat(evaluated, ignore_index=True).astype(FOLD_COLUMNS)
    return stacked.sort_values(["fold", "candidate"], ignore_index=True)


def evaluate_recommendations(
    recommendations: pd.DataFrame, truth: pd.DataFrame, catalogue_size: int, k: int = 10
) -> dict[str, float]:
    """Metrics at k over the customers in `truth` (customer_id, product_key: new products bought).

    precision@k = hits / k; recall@k = hits / |truth|; hit rate = share with at least one hit;
    NDCG@k with binary relevance; coverage = distinct products recommended / catalogue_size.
    Sums run in customer and rank order, so the metrics do not depend on the inputs' row order
    (which a database does not promise) even in the last bit.
    """
    customers = pd.Index(np.sort(pd.unique(truth["customer_id"])))
    if customers.empty:
        return {"customers_evaluated": 0, **dict.fromkeys(METRICS, float("nan"))}
    top = recommendations[recommendations["rank"] <= k].sort_values(["customer_id", "rank"])
    customer = customers.get_indexer(top["customer_id"])
    top = top[customer >= 0]
    customer = customer[customer >= 0]
    products = pd.Index(pd.unique(np.concatenate([truth["product_key"], top["product_key"]])))
    pair = customer.astype(np.int64) * len(products) + products.get_indexer(top["product_key"])
    truth_customer = customers.get_indexer(truth["customer_id"])
    truth_pair = truth_customer.astype(np.int64) * len(products) + products.get_indexer(
        truth["product_key"]
    )
    is_hit = np.isin(pair, truth_pair)
    hits = np.bincount(customer, weights=is_hit, minlength=len(customers))
    gains = is_hit / np.log2(top["rank"].to_numpy() + 1.0)
    dcg = np.bincount(customer, weights=gains, minlength=len(customers))
    truth_sizes = np.bincount(truth_customer, minlength=len(customers))
    discounts = np.cumsum(1 / np.log2(np.arange(2, k + 2)))
    ideal = discounts[np.minimum(truth_sizes, k) - 1]
    return {
        "customers_evaluated": len(customers),
        "precision_at_k": float(np.mean(hits / k)),
        "recall_at_k": float(np.mean(hits / truth_sizes)),
        "hit_rate_at_k": float(np.mean(hits > 0)),
        "ndcg_at_k": float(np.mean(dcg / ideal)),
        "catalogue_coverage": top["product_key"].nunique() / catalogue_size
        if catalogue_size
        else 0.0,
    }
