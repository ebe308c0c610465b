"""The item model, scoring, blending and evaluation on small hand-made data with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from shopper_spectrum import buckets
from shopper_spectrum.recommend import (
    Fold,
    Purchases,
    evaluate_recommendations,
    fit_item_model,
    jobs,
    recommend,
    recommend_each,
    score_items,
    scoring,
)
from shopper_spectrum.recommend.item_model import fit_item_models


def gram_frame(gram: np.ndarray, keys: list) -> pd.DataFrame:
    """A dense symmetric Gram as int_product_pairs rows: upper triangle and diagonal, no zeros."""
    rows = [
        (keys[a], keys[b], gram[a, b])
        for a in range(len(keys))
        for b in range(a, len(keys))
        if gram[a, b] != 0
    ]
    return pd.DataFrame(rows, columns=["product_key_a", "product_key_b", "co_count"])


def all_neighbours(gram: np.ndarray, keys: list) -> pd.DataFrame:
    """Every other product as a neighbour, with the shared baskets."""
    rows = [
        (keys[j], keys[i], gram[i, j]) for j in range(len(keys)) for i in range(len(keys)) if i != j
    ]
    return pd.DataFrame(rows, columns=["product_key", "neighbour_key", "co_count"])


def random_gram(products: int, baskets: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    incidence = (rng.random((baskets, products)) < 0.3).astype(float)
    return incidence.T @ incidence


def test_with_every_product_as_neighbour_the_local_solve_is_closed_form_ease():
    """Steck (2019): B = I - P diag(1/diag(P)), P = (G + λI)⁻¹, i.e. B_ij = -P_ij / P_jj."""
    gram = random_gram(products=7, baskets=40, seed=1)
    keys = [2, 3, 5, 7, 11, 13, 17]  # product keys need not be consecutive
    l2_multiple = 0.5
    l2 = l2_multiple * np.diag(gram).mean()
    inverse = np.linalg.inv(gram + l2 * np.eye(len(keys)))
    closed_form = -inverse / np.diag(inverse)[None, :]

    weights = fit_item_model(gram_frame(gram, keys), all_neighbours(gram, keys), l2_multiple)

    assert len(weights) == 7 * 6
    for row in weights.itertuples():
        i, j = keys.index(row.neighbour_key), keys.index(row.product_key)
        assert row.weight == pytest.approx(closed_form[i, j], rel=1e-9, abs=1e-12)


def test_the_item_model_job_fits_buckets_of_products_to_the_closed_form_ease(monkeypatch):
    """Each bucket fits its products with the whole Gram's λ, not its own products' mean count."""
    monkeypatch.setattr(buckets, "LOCAL_WORKERS", 3)
    gram = random_gram(products=7, baskets=40, seed=1)
    keys = [2, 3, 5, 7, 11, 13, 17]
    l2_multiple = 0.5
    inverse = np.linalg.inv(gram + l2_multiple * np.diag(gram).mean() * np.eye(len(keys)))
    closed_form = -inverse / np.diag(inverse)[None, :]
    codes = pd.Series([f"P{key}" for key in keys], index=keys)

    weights = jobs.item_model(
        gram_frame(gram, keys), all_neighbours(gram, keys), l2_multiple, codes
    )

    assert len(weights) == 7 * 6
    assert (weights["product_code"] == "P" + weights["product_key"].astype(str)).all()
    assert (weights["neighbour_code"] == "P" + weights["neighbour_key"].astype(str)).all()
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
        columns=["product_key", "neighbour_key", "co_count"],
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


def test_several_settings_at_once_equal_each_fitted_alone_on_its_first_k_neighbours():
    gram = random_gram(products=8, baskets=60, seed=5)
    keys = list(range(1, 9))
    ranked = all_neighbours(gram, keys).sort_values(
        ["product_key", "co_count", "neighbour_key"], ascending=[True, False, True]
    )
    ranked["rank"] = ranked.groupby("product_key").cumcount() + 1
    settings = [(3, 1.0), (3, 4.0), (7, 4.0)]
    together = fit_item_models(gram_frame(gram, keys), ranked, settings)
    for k, l2_multiple in settings:
        alone = fit_item_model(gram_frame(gram, keys), ranked[ranked["rank"] <= k], l2_multiple)
        merged = together[(k, l2_multiple)].merge(alone, on=["product_key", "neighbour_key"])
        assert len(merged) == len(alone) == 8 * k
        assert merged["weight_x"].to_numpy() == pytest.approx(merged["weight_y"].to_numpy())


def test_a_pair_missing_from_the_gram_counts_as_never_bought_together():
    gram = np.array([[5.0, 3.0, 2.0], [3.0, 4.0, 0.0], [2.0, 0.0, 6.0]])
    keys = [1, 2, 3]
    weights = fit_item_model(gram_frame(gram, keys), all_neighbours(gram, keys), 1.0)
    # With 2 and 3 never together, 3's weight on 1 equals a one-regressor ridge fit.
    l2 = gram.diagonal().mean()
    a_on_c = weights[(weights["product_key"] == 3) & (weights["neighbour_key"] == 1)]
    b_block = np.array([[5.0 + l2, 3.0], [3.0, 4.0 + l2]])
    assert a_on_c["weight"].item() == pytest.approx(np.linalg.solve(b_block, [2.0, 0.0])[0])


def test_the_penalty_grows_with_the_data_so_doubling_every_count_keeps_the_weights():
    gram = random_gram(products=5, baskets=30, seed=3)
    keys = list(range(1, 6))
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
CATALOGUE = list("ABCDEF")
POPULARITY = pd.Series({"A": 50, "B": 40, "C": 30, "D": 20, "E": 10, "F": 5})


def scores_of(history=HISTORY, weights=WEIGHTS, half_life_days=90.0):
    purchases = Purchases.from_history(history, AS_OF, half_life_days, products=CATALOGUE)
    return score_items(purchases, weights)


def test_item_scores_are_the_decayed_history_times_the_positive_weights():
    scores = scores_of(half_life_days=30)
    dense = pd.DataFrame(scores.scores.toarray(), index=scores.customers, columns=scores.products)
    b_decay = 0.5 ** ((AS_OF - pd.Timestamp("2011-01-01")).days / 30)
    assert dense.loc["u1", "D"] == pytest.approx(0.5 + 0.25 * b_decay)
    assert dense.loc["u1", "E"] == pytest.approx(0.3 * b_decay)
    # A negative weight never scores; the weights are per bought product.
    assert dense.loc["u1", "F"] == 0
    assert dense.loc["u2", "A"] == pytest.approx(0.4)


def test_the_item_model_alone_ranks_by_item_score_and_fills_with_best_sellers():
    recs = recommend(scores_of(), POPULARITY, 0.0, top_n=4)
    u2 = recs[recs["customer_id"] == "u2"]
    # u2's history predicts A only; B and C (the best-sellers u2 has not bought) fill the list.
    assert u2["product_key"].tolist() == ["A", "B", "C", "E"]
    assert u2["rank"].tolist() == [1, 2, 3, 4]
    assert u2["reason"].tolist() == ["bought_with", "popular_now", "popular_now", "popular_now"]
    assert u2["because_you_bought"].iloc[0] == "D"
    assert u2["because_you_bought"].iloc[1:].isna().all()
    assert u2["score"].tolist() == pytest.approx([1.0, 0.0, 0.0, 0.0])
    u1 = recs[recs["customer_id"] == "u1"]
    assert u1["product_key"].tolist()[:3] == ["D", "C", "E"]
    assert u1["score"].iloc[0] == pytest.approx(1.0)  # the customer's largest item score


def test_an_empty_history_gives_no_lists_and_an_unexplained_one_gives_best_sellers():
    nobody = HISTORY.iloc[:0]
    recs = recommend(scores_of(nobody), POPULARITY, 0.25)
    assert recs.empty
    assert list(recs.columns) == [
        "customer_id",
        "rank",
        "product_key",
        "score",
        "reason",
        "because_you_bought",
    ]
    # F predicts nothing and nothing predicts it positively: the list is the best-sellers.
    only_f = pd.DataFrame(
        {"customer_id": ["u3"], "product_key": ["F"], "last_purchased_at": [AS_OF]}
    )
    recs = recommend(scores_of(only_f), POPULARITY, 0.0, top_n=3)
    assert recs["product_key"].tolist() == ["A", "B", "C"]
    assert (recs["reason"] == "popular_now").all()


def test_popularity_alone_is_the_best_sellers_not_bought():
    recs = recommend(scores_of(), POPULARITY, 1.0, top_n=3)
    assert recs[recs["customer_id"] == "u1"]["product_key"].tolist() == ["C", "D", "E"]
    assert recs[recs["customer_id"] == "u2"]["product_key"].tolist() == ["A", "B", "C"]
    assert (recs["reason"] == "popular_now").all()
    assert recs["because_you_bought"].isna().all()
    assert recs["score"].tolist()[:3] == pytest.approx([30 / 50, 20 / 50, 10 / 50])


def brute_force_blend(history, weights, popularity, share, top_n, *, half_life_days=90.0):
    """An independent reference: every product's blended score, sorted by (score, popularity,
    key) over the products the customer has not bought."""
    products = sorted(popularity.index)
    rows = []
    for customer, bought in history.groupby("customer_id"):
        age = (AS_OF - bought["last_purchased_at"]).dt.total_seconds() / 86_400
        decay = dict(zip(bought["product_key"], 0.5 ** (age / half_life_days), strict=True))
        positive = weights[weights["weight"] > 0]
        strongest = (
            positive.sort_values(
                ["neighbour_key", "weight", "product_key"], ascending=[True, False, True]
            )
            .groupby("neighbour_key")
            .head(20)
        )
        item = {
            j: sum(
                decay.get(i, 0.0) * w
                for i, w in zip(rows_j["neighbour_key"], rows_j["weight"], strict=True)
            )
            for j, rows_j in strongest.groupby("product_key")
        }
        item = {j: s for j, s in item.items() if s > 0 and j not in decay}
        largest = max(item.values(), default=0.0)
        top = popularity.max()
        scored = [
            (
                (1 - share) * (item.get(j, 0.0) / largest if largest else 0.0)
                + share * popularity[j] / top,
                popularity[j],
                j,
            )
            for j in products
            if j not in decay
        ]
        scored.sort(key=lambda entry: (-entry[0], -entry[1], entry[2]))
        rows += [(customer, rank, j) for rank, (_, _, j) in enumerate(scored[:top_n], 1)]
    return pd.DataFrame(rows, columns=["customer_id", "rank", "product_key"])


@pytest.mark.parametrize("share", [0.0, 0.3, 0.75, 1.0])
def test_blends_equal_a_brute_force_ranking_of_every_product(share):
    rng = np.random.default_rng(7)
    products = [f"p{i:02d}" for i in range(40)]
    weights = pd.DataFrame(
        {
            "product_key": rng.choice(products, 300),
            "neighbour_key": rng.choice(products, 300),
            "weight": rng.normal(0.1, 0.2, 300),
        }
    ).drop_duplicates(["product_key", "neighbour_key"])
    weights = weights[weights["product_key"] != weights["neighbour_key"]]
    history = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 25, 150)],
            "product_key": rng.choice(products, 150),
            "last_purchased_at": AS_OF - pd.to_timedelta(rng.integers(0, 300, 150), "D"),
        }
    ).drop_duplicates(["customer_id", "product_key"])
    popularity = pd.Series(rng.integers(1, 60, len(products)), index=products)
    purchases = Purchases.from_history(history, AS_OF, 90.0, products=products)
    recs = recommend(score_items(purchases, weights), popularity, share, top_n=8)
    expected = brute_force_blend(history, weights, popularity, share, top_n=8)
    pd.testing.assert_frame_equal(
        recs[["customer_id", "rank", "product_key"]].reset_index(drop=True), expected
    )


def test_each_rows_top_columns_are_its_largest_positive_scores_whatever_its_length():
    # Rows from empty to five times `top` long (some padded to a power of two, some exactly one),
    # distinct scores, some zero (bought) or negative: the set each row picks against a sort.
    rng = np.random.default_rng(3)
    top, width = 4, 40
    lengths = [0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 20, 33]
    dense = np.zeros((len(lengths), width))
    rows, columns = [], []
    for row, length in enumerate(lengths):
        held = rng.choice(width, length, replace=False)
        dense[row, held] = rng.permutation(np.linspace(-1.0, 2.0, length))
        dense[row, held[: length // 5]] = 0.0
        rows += [row] * length
        columns += list(held)
    entries = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=dense.shape)
    picked = scoring._top_columns_per_row(dense, entries, top)
    for row in range(len(lengths)):
        positive = [c for c in np.argsort(-dense[row]) if dense[row, c] > 0 and entries[row, c]]
        assert sorted(picked[row][picked[row] >= 0]) == sorted(positive[:top])


def test_a_pick_is_bought_with_when_the_item_part_is_the_larger():
    recs = recommend(scores_of(), POPULARITY, 0.5, top_n=6)
    u1 = recs[recs["customer_id"] == "u1"].set_index("product_key")
    # D: item part 0.5 × 1.0 against popularity part 0.5 × 20/50.
    assert u1.loc["D", "reason"] == "bought_with" and u1.loc["D", "because_you_bought"] == "A"
    # C: item part 0.5 × 0.2 / 0.5... below its popularity part 0.5 × 30/50.
    assert u1.loc["C", "reason"] == "popular_now" and pd.isna(u1.loc["C", "because_you_bought"])
    assert (recs["reason"] == "bought_with").eq(recs["because_you_bought"].notna()).all()


def test_because_you_bought_names_the_largest_contribution_and_follows_recency():
    recent_b = HISTORY.assign(
        last_purchased_at=pd.to_datetime(["2010-06-01", "2011-06-01", "2011-06-01"])
    )

    def reason(history):
        recs = recommend(scores_of(history, half_life_days=30), POPULARITY, 0.0)
        return recs.set_index(["customer_id", "product_key"]).loc[("u1", "D"), "because_you_bought"]

    assert reason(HISTORY) == "A"  # 0.5 from A against 0.25 × decay from B
    assert reason(recent_b) == "B"  # A's purchase is a year old


@pytest.mark.parametrize("picks_at_once", [None, 7])
def test_because_you_bought_equals_a_brute_force_argmax_with_ties_to_the_smaller_key(
    picks_at_once, monkeypatch
):
    if picks_at_once is not None:
        monkeypatch.setattr(scoring, "BECAUSE_SLICE", picks_at_once)
    rng = np.random.default_rng(11)
    products = [f"p{i:02d}" for i in range(30)]
    # Weights of 1 or 2 and purchases on two days only: many contributions tie.
    weights = pd.DataFrame(
        {
            "product_key": rng.choice(products, 250),
            "neighbour_key": rng.choice(products, 250),
            "weight": rng.integers(1, 3, 250).astype(float),
        }
    ).drop_duplicates(["product_key", "neighbour_key"])
    weights = weights[weights["product_key"] != weights["neighbour_key"]]
    history = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 20, 120)],
            "product_key": rng.choice(products, 120),
            "last_purchased_at": AS_OF - pd.to_timedelta(rng.choice([0, 90], 120), "D"),
        }
    ).drop_duplicates(["customer_id", "product_key"])
    purchases = Purchases.from_history(history, AS_OF, 90.0, products=products)
    recs = recommend(score_items(purchases, weights), pd.Series(1, index=products), 0.0, top_n=5)
    explained = recs[recs["reason"] == "bought_with"]
    assert len(explained) > 20
    weight = weights.set_index(["neighbour_key", "product_key"])["weight"]
    for pick in explained.itertuples():
        bought = history[history["customer_id"] == pick.customer_id]
        age = (AS_OF - bought["last_purchased_at"]).dt.days.to_numpy()
        contributions = {
            h: 0.5 ** (days / 90.0) * weight.get((h, pick.product_key), 0.0)
            for h, days in zip(bought["product_key"], age, strict=True)
        }
        largest = max(contributions.values())
        assert pick.because_you_bought == min(h for h, c in contributions.items() if c == largest)


def test_ties_go_to_the_more_popular_then_the_smaller_key_whatever_order_the_rows_arrive_in():
    weights = pd.DataFrame(
        [(target, source, 0.5) for target in "PQRS" for source in "XY"],
        columns=["product_key", "neighbour_key", "weight"],
    )
    history = pd.DataFrame(
        {
            "customer_id": ["u", "u"],
            "product_key": ["X", "Y"],
            "last_purchased_at": pd.to_datetime(["2011-06-01", "2011-06-01"]),
        }
    )
    popularity = pd.Series({"P": 1, "Q": 1, "R": 2, "S": 1, "X": 5, "Y": 5})
    for rows in (history, history.iloc[::-1]):
        purchases = Purchases.from_history(rows, AS_OF, 90.0, products=list(popularity.index))
        recs = recommend(score_items(purchases, weights.iloc[::-1]), popularity, 0.0, top_n=3)
        assert recs["product_key"].tolist() == ["R", "P", "Q"]
        assert recs["because_you_bought"].tolist() == ["X", "X", "X"]


def test_several_shares_at_once_equal_each_alone_and_batches_equal_one_pass():
    rng = np.random.default_rng(3)
    history = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 40, 200)],
            "product_key": rng.choice(CATALOGUE, 200),
            "last_purchased_at": pd.Timestamp("2011-05-01")
            + pd.to_timedelta(rng.integers(0, 30, 200), "D"),
        }
    ).drop_duplicates(["customer_id", "product_key"])
    scores = scores_of(history)
    recent = POPULARITY.iloc[::-1].set_axis(POPULARITY.index)
    together = recommend_each(
        scores,
        {"all_time": POPULARITY, "recent": recent},
        {"all_time": [0.0, 0.5], "recent": [0.5]},
        top_n=3,
        batch_customers=7,
    )
    for window, popularity in (("all_time", POPULARITY), ("recent", recent)):
        for share in (0.0, 0.5) if window == "all_time" else (0.5,):
            pd.testing.assert_frame_equal(
                together[(window, share)], recommend(scores, popularity, share, 3)
            )


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
    popularity = pd.DataFrame(
        {"product_key": [1, 2], "customers": [4, 0], "recent_customers": [1, 0]}
    )
    fold = Fold.from_tables(
        1,
        "2011-03-01",
        gram=pd.DataFrame(),
        neighbours=pd.DataFrame(),
        popularity=popularity,
        fold_customers=rows,
    )
    assert fold.history[["customer_id", "product_key"]].values.tolist() == [["u", 1], ["v", 1]]
    assert fold.truth.values.tolist() == [["u", 2]]
    assert fold.catalogue_size == 1
    assert fold.popularity_by("recent").to_dict() == {1: 1, 2: 0}
