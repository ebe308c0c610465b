"""Offline evaluation on a temporal holdout: precision, recall, hit rate, NDCG at k and coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopper_spectrum.recommend.history import holdout_truth, purchase_history
from shopper_spectrum.recommend.scoring import RecommenderSettings, recommend


def popularity_recommendations(history: pd.DataFrame, customers, top_n: int = 10) -> pd.DataFrame:
    """The baseline: the products most customers bought, minus each customer's own purchases."""
    popularity = history.groupby("product_code")["customer_id"].nunique()
    ranked = popularity.sort_values(ascending=False, kind="stable").index.to_numpy()
    owned = history.groupby("customer_id")["product_code"].agg(set)
    rows = []
    for customer in customers:
        mine = owned.get(customer, set())
        picks = [p for p in ranked[: top_n + len(mine)] if p not in mine][:top_n]
        rows.extend((customer, rank, product) for rank, product in enumerate(picks, start=1))
    return pd.DataFrame(rows, columns=["customer_id", "rank", "product_code"])


def evaluate_holdout(
    recommendations: pd.DataFrame, truth: pd.DataFrame, catalogue_size: int, k: int = 10
) -> dict[str, float]:
    """Metrics at k over the customers in `truth` (customer_id, product_code: new products bought).

    precision@k = hits / k; recall@k = hits / |truth|; hit rate = share with at least one hit;
    NDCG@k with binary relevance; coverage = distinct products recommended / catalogue_size.
    """
    customers = pd.Index(pd.unique(truth["customer_id"]))
    if customers.empty:
        nothing = float("nan")
        return {
            "customers_evaluated": 0,
            "precision_at_k": nothing,
            "recall_at_k": nothing,
            "hit_rate_at_k": nothing,
            "ndcg_at_k": nothing,
            "catalogue_coverage": nothing,
        }
    top = recommendations[recommendations["rank"] <= k]
    top = top[top["customer_id"].isin(customers)]
    relevant = set(zip(truth["customer_id"], truth["product_code"], strict=True))
    is_hit = np.fromiter(
        ((c, p) in relevant for c, p in zip(top["customer_id"], top["product_code"], strict=True)),
        dtype=bool,
        count=len(top),
    )
    hits = pd.Series(is_hit.astype(float)).groupby(top["customer_id"].to_numpy()).sum()
    hits = hits.reindex(customers, fill_value=0.0).to_numpy()
    gains = (
        pd.Series(is_hit / np.log2(top["rank"].to_numpy() + 1.0))
        .groupby(top["customer_id"].to_numpy())
        .sum()
    )
    dcg = gains.reindex(customers, fill_value=0.0).to_numpy()
    truth_sizes = truth.groupby("customer_id").size().reindex(customers).to_numpy()
    discounts = np.cumsum(1 / np.log2(np.arange(2, k + 2)))
    ideal = discounts[np.minimum(truth_sizes, k) - 1]
    return {
        "customers_evaluated": len(customers),
        "precision_at_k": float(np.mean(hits / k)),
        "recall_at_k": float(np.mean(hits / truth_sizes)),
        "hit_rate_at_k": float(np.mean(hits > 0)),
        "ndcg_at_k": float(np.mean(dcg / ideal)),
        "catalogue_coverage": top["product_code"].nunique() / catalogue_size
        if catalogue_size
        else 0.0,
    }


def evaluation_table(
    lines: pd.DataFrame, training_neighbours: pd.DataFrame, settings: RecommenderSettings
) -> pd.DataFrame:
    """The recommender (trained on the holdout's training lines) and popularity, one row each.

    training_neighbours: each product's nearest products over the training lines only.
    """
    training = lines[lines["is_training"]]
    truth = holdout_truth(lines)
    split_date = pd.Timestamp(lines["split_date"].iloc[0]) if len(lines) else pd.NaT
    catalogue_size = training["product_code"].nunique()
    evaluated = pd.unique(truth["customer_id"])
    history = purchase_history(training[training["customer_id"].isin(evaluated)])
    candidates = {
        "item_similarity": recommend(history, training_neighbours, split_date, settings),
        "popularity": popularity_recommendations(training, evaluated, settings.top_n),
    }
    rows = [
        {
            "model": name,
            "k": settings.top_n,
            **evaluate_holdout(recs, truth, catalogue_size, settings.top_n),
        }
        for name, recs in candidates.items()
    ]
    table = pd.DataFrame(rows)
    table["split_date"] = split_date
    table["catalogue_size"] = catalogue_size
    table["settings"] = (
        f"measure={settings.measure}, min_cooccurrence={settings.min_cooccurrence}, "
        f"neighbours={settings.neighbours}, half_life_days={settings.half_life_days:g}, "
        f"power={settings.power:g}"
    )
    table.loc[table["model"] == "popularity", "settings"] = (
        "products bought by most customers, minus owned"
    )
    return table
