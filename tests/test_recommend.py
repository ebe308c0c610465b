"""The item model, scoring and evaluation on small hand-made data with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from shopper_spectrum.recommend import (
    Fold,
    RecommenderSettings,
    evaluate_recommendations,
    fit_item_model,
    popularity_recommendations,
    recommend,
)


def gram_frame(gram: np.ndarray, keys: list) -> pd.DataFrame:
    """A dense symmetric Gram as int_product_pairs rows: upper triangle and diagonal, no zeros."""
    rows = [
        (keys[a], keys[b], gram[a, b])
        for a in range(len(keys))
        for b in range(a, len(keys))
        if gram[a, b] != 0
    ]
    return pd.DataFrame(rows, columns=["product_key_a", "product_key_b", "baskets"])


def all_neighbours(gram: np.ndarray, keys: list) -> pd.DataFrame:
    """Every other product as a neighbour, with the shared baskets."""
    rows = [
        (keys[j], keys[i], gram[i, j]) for j in range(len(keys)) for i in range(len(keys)) if i != j
    ]
    return pd.DataFrame(rows, columns=["product_key", "neighbour_key", "co_baskets"])


def random_gram(products: int, baskets: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    incidence = (rng.random((baskets, products)) < 0.3).astype(float)
    return incidence.T @ incidence


def test_with_every_product_as_neighbour_the_local_solve_is_closed_form_ease():
    """Steck (2019): B = I - P diag(1/diag(P)), P = (G + λI)⁻¹, i.e. B_ij = -P_ij / P_jj."""
    gram = random_gram(products=7, baskets=40, seed=1)
    keys = list("ABCDEFG")
    l2_multiple = 0.5
    l2 = l2_multiple * np.diag(gram).mean()
    inverse = np.linalg.inv(gram + l2 * np.eye(len(keys)))
    closed_form = -inverse / np.diag(inverse)[None, :]

    weights = fit_item_model(gram_frame(gram, keys), all_neighbours(gram, keys), l2_multiple)

    assert len(weights) == 7 * 6
    for row in weights.itertuples():
        i, j = keys.index(row.neighbour_key), keys.index(row.product_key)
        assert row.weight == pytest.approx(closed_form[i, j], rel=1e-9, abs=1e-12)


def test_each_product_is_regressed_on_its_neighbourhood_only():
    gram = random_gram(products=6, baskets=50, seed=2)
    keys = [10, 20, 30, 40, 50, 60]
    neighbourhood = {10: [20, 40], 20: [10, 30, 60]}
    neighbours = pd.DataFrame(
        [
            (j, i, gram[keys.index(i), keys.index(j)])
            for j, members in neighbourhood.items()
            for i in members
        ],
        columns=["product_key", "neighbour_key", "co_baskets"],
    )
    l2 = 2.0 * np.diag(gram).mean()

    weights = fit_item_model(gram_frame(gram, keys), neighbours, 2.0)

    for j, members in neighbourhood.items():
        index = [keys.index(i) for i in members]
        expected = np.linalg.solve(
            gram[np.ix_(index, index)] + l2 * np.eye(len(index)), gram[index, keys.index(j)]
        )
        fitted = weights[weights["product_key"] == j].set_index("neighbour_key")["weight"]
        assert fitted.reindex(members).to_numpy() == pytest.approx(expected)


def test_a_pair_missing_from_the_gram_counts_as_never_bought_together():
    gram = np.array([[5.0, 3.0, 2.0], [3.0, 4.0, 0.0], [2.0, 0.0, 6.0]])
    keys = ["A", "B", "C"]
    weights = fit_item_model(gram_frame(gram, keys), all_neighbours(gram, keys), 1.0)
    # With B and C never together, C's weight on A equals a one-regressor ridge fit.
    l2 = gram.diagonal().mean()
    a_on_c = weights[(weights["product_key"] == "C") & (weights["neighbour_key"] == "A")]
    b_block = np.array([[5.0 + l2, 3.0], [3.0, 4.0 + l2]])
    assert a_on_c["weight"].item() == pytest.approx(np.linalg.solve(b_block, [2.0, 0.0])[0])


def test_the_penalty_grows_with_the_data_so_doubling_every_count_keeps_the_weights():
    gram = random_gram(products=5, baskets=30, seed=3)
    keys = list("ABCDE")
    once = fit_item_model(gram_frame(gram, keys), all_neighbours(gram, keys), 4.0)
    twice = fit_item_model(gram_frame(2 * gram, keys), all_neighbours(2 * gram, keys), 4.0)
    assert twice["weight"].to_numpy() == pytest.approx(once["weight"].to_numpy())


WEIGHTS = pd.DataFrame(
    [
        ("D", "A", 0.5),
        ("D", "B", 0.25),
        ("C", "A", 0.2),
        ("E", "B", 0.3),
        ("A", "D", 0.4),
        ("F", "A", -0.1),
    ],
    columns=["product_key", "neighbour_key", "weight"],
)
HISTORY = pd.DataFrame(
    {
        "customer_id": ["u1", "u1", "u2"],
        "product_key": ["A", "B", "D"],
        "last_purchased_at": pd.to_datetime(["2011-06-01", "2011-01-01", "2011-06-01"]),
    }
)
AS_OF = pd.Timestamp("2011-06-01")


def test_scores_are_the_decayed_history_times_the_weights():
    settings = RecommenderSettings(half_life_days=30, top_n=10)
    recs = recommend(HISTORY, WEIGHTS, AS_OF, settings)
    u1 = recs[recs["customer_id"] == "u1"].set_index("product_key")
    b_decay = 0.5 ** ((AS_OF - pd.Timestamp("2011-01-01")).days / 30)
    assert u1.loc["D", "score"] == pytest.approx(0.5 + 0.25 * b_decay)
    assert u1.loc["E", "score"] == pytest.approx(0.3 * b_decay)
    assert u1["rank"].tolist() == list(range(1, len(u1) + 1))
    assert u1["score"].is_monotonic_decreasing


def test_bought_products_and_non_positive_scores_are_never_recommended():
    recs = recommend(HISTORY, WEIGHTS, AS_OF)
    u1 = set(recs.loc[recs["customer_id"] == "u1", "product_key"])
    assert u1.isdisjoint({"A", "B"})
    assert "F" not in u1  # its only weight is negative
    u2 = recs[recs["customer_id"] == "u2"]
    assert u2["product_key"].tolist() == ["A"]


def test_short_lists_are_filled_with_best_sellers_not_yet_bought():
    best_sellers = pd.Series({"A": 50, "B": 40, "C": 30, "D": 20, "E": 10, "F": 5})
    recs = recommend(
        HISTORY, WEIGHTS, AS_OF, RecommenderSettings(top_n=3), best_sellers=best_sellers
    )
    u2 = recs[recs["customer_id"] == "u2"]
    # u2's history predicts A only; B and C (the best-sellers u2 has not bought) fill the list.
    assert u2["product_key"].tolist() == ["A", "B", "C"]
    assert u2["rank"].tolist() == [1, 2, 3]
    assert u2["score"].isna().tolist() == [False, True, True]
    assert u2["because_you_bought"].isna().tolist() == [False, True, True]
    u1 = recs[recs["customer_id"] == "u1"]
    assert u1["product_key"].tolist() == ["D", "C", "E"]  # all three predicted: nothing filled
    assert u1["score"].notna().all()


def test_because_you_bought_names_the_largest_contribution_and_follows_recency():
    recent_b = HISTORY.assign(
        last_purchased_at=pd.to_datetime(["2010-06-01", "2011-06-01", "2011-06-01"])
    )
    settings = RecommenderSettings(half_life_days=30)

    def reason(history):
        recs = recommend(history, WEIGHTS, AS_OF, settings)
        return recs.set_index(["customer_id", "product_key"]).loc[("u1", "D"), "because_you_bought"]

    assert reason(HISTORY) == "A"  # 0.5 from A against 0.25 × decay from B
    assert reason(recent_b) == "B"  # A's purchase is a year old


def test_ties_go_to_the_smaller_key_whatever_order_the_rows_arrive_in():
    weights = pd.DataFrame(
        [(target, source, 0.5) for target in "PQR" for source in "XY"],
        columns=["product_key", "neighbour_key", "weight"],
    )
    history = pd.DataFrame(
        {
            "customer_id": ["u", "u"],
            "product_key": ["X", "Y"],
            "last_purchased_at": pd.to_datetime(["2011-06-01", "2011-06-01"]),
        }
    )
    for rows in (history, history.iloc[::-1]):
        recs = recommend(rows, weights.iloc[::-1], AS_OF, RecommenderSettings(top_n=2))
        assert recs["product_key"].tolist() == ["P", "Q"]
        assert recs["because_you_bought"].tolist() == ["X", "X"]


def test_batches_give_the_same_answer_as_one_pass():
    rng = np.random.default_rng(3)
    history = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 40, 200)],
            "product_key": rng.choice(list("ABCDEF"), 200),
            "last_purchased_at": pd.Timestamp("2011-05-01")
            + pd.to_timedelta(rng.integers(0, 30, 200), "D"),
        }
    ).drop_duplicates(["customer_id", "product_key"])
    one = recommend(history, WEIGHTS, AS_OF, batch_customers=10_000)
    many = recommend(history, WEIGHTS, AS_OF, batch_customers=7)
    pd.testing.assert_frame_equal(one, many)


def test_metrics_on_a_worked_example():
    truth = pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "product_key": ["X", "Y", "Z"]})
    recs = pd.DataFrame(
        {
            "customer_id": ["u1", "u1", "u1", "u2", "u2"],
            "rank": [1, 2, 3, 1, 2],
            "product_key": ["Y", "Q", "X", "Q", "R"],
        }
    )
    metrics = evaluate_recommendations(recs, truth, catalogue_size=10, k=3)
    assert metrics["customers_evaluated"] == 2
    assert metrics["precision_at_k"] == pytest.approx((2 / 3 + 0) / 2)
    assert metrics["recall_at_k"] == pytest.approx((2 / 2 + 0) / 2)
    assert metrics["hit_rate_at_k"] == pytest.approx(0.5)
    ideal_u1 = 1 + 1 / math.log2(3)
    assert metrics["ndcg_at_k"] == pytest.approx(((1 + 1 / math.log2(4)) / ideal_u1 + 0) / 2)
    assert metrics["catalogue_coverage"] == pytest.approx(4 / 10)


def test_popularity_baseline_ranks_by_baskets_and_skips_what_the_customer_owns():
    baskets = pd.Series({"P": 9, "Q": 5, "R": 5, "S": 1})
    history = pd.DataFrame({"customer_id": ["a", "a", "b"], "product_key": ["P", "R", "S"]})
    recs = popularity_recommendations(baskets, history, top_n=2)
    assert recs[recs["customer_id"] == "a"]["product_key"].tolist() == ["Q", "S"]
    assert recs[recs["customer_id"] == "b"]["product_key"].tolist() == ["P", "Q"]


def test_a_fold_splits_its_customers_into_history_and_truth():
    rows = pd.DataFrame(
        {
            "fold": [1, 1, 1],
            "customer_id": ["u", "u", "v"],
            "product_key": [1, 2, 1],
            "last_purchased_at": pd.to_datetime(["2011-01-01", None, "2011-02-01"]),
            "is_truth": [False, True, False],
        }
    )
    gram = pd.DataFrame(
        {"product_key_a": [1, 1, 2], "product_key_b": [1, 2, 2], "baskets": [4, 2, 3]}
    )
    fold = Fold.from_tables(1, "2011-03-01", gram, pd.DataFrame(), rows)
    # Customers are numbered in order of appearance: u is 0, v is 1.
    assert fold.history[["customer_id", "product_key"]].values.tolist() == [[0, 1], [1, 1]]
    assert fold.truth.values.tolist() == [[0, 2]]
    assert fold.product_baskets.to_dict() == {1: 4, 2: 3}
