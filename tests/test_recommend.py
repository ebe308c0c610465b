"""Similarity, scoring and evaluation functions on small hand-made data with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from shopper_spectrum.recommend import (
    RecommenderSettings,
    evaluate_holdout,
    popularity_recommendations,
    recommend,
    similar_products,
)
from shopper_spectrum.recommend.history import holdout_truth, purchase_history
from shopper_spectrum.recommend.similarity import pair_similarity


def pairs_frame(
    rows: list[tuple[str, str, int, int]], per_product: dict[str, tuple[int, int]]
) -> pd.DataFrame:
    """Pair rows as fct_item_cooccurrence has them: (a, b, customers, baskets), with product counts."""
    total_baskets = 100
    frame = pd.DataFrame(rows, columns=["product_code_a", "product_code_b", "customers", "baskets"])
    for side in ("a", "b"):
        codes = frame[f"product_code_{side}"]
        frame[f"product_{side}_customers"] = codes.map(lambda c: per_product[c][0])
        frame[f"product_{side}_baskets"] = codes.map(lambda c: per_product[c][1])
    frame["total_baskets"] = total_baskets
    frame["support"] = frame["baskets"] / total_baskets
    frame["confidence_a_to_b"] = frame["baskets"] / frame["product_a_baskets"]
    frame["confidence_b_to_a"] = frame["baskets"] / frame["product_b_baskets"]
    frame["lift"] = (
        frame["baskets"] * total_baskets / (frame["product_a_baskets"] * frame["product_b_baskets"])
    )
    return frame


PRODUCTS = {"A": (10, 12), "B": (8, 9), "C": (5, 5), "D": (40, 60)}
PAIRS = pairs_frame(
    [("A", "B", 6, 7), ("A", "C", 1, 1), ("A", "D", 9, 10), ("B", "D", 4, 3), ("C", "D", 2, 2)],
    PRODUCTS,
)


def test_measures_follow_their_formulas():
    ab = PAIRS.iloc[[0]]
    assert pair_similarity(ab, "customer_jaccard")[0] == pytest.approx(6 / (10 + 8 - 6))
    assert pair_similarity(ab, "customer_cosine")[0] == pytest.approx(6 / math.sqrt(10 * 8))
    assert pair_similarity(ab, "basket_cosine")[0] == pytest.approx(7 / math.sqrt(12 * 9))
    assert pair_similarity(ab, "basket_jaccard")[0] == pytest.approx(7 / (12 + 9 - 7))
    assert pair_similarity(ab, "lift")[0] == pytest.approx(7 * 100 / (12 * 9))
    with pytest.raises(ValueError, match="similarity measure must be one of"):
        pair_similarity(ab, "euclid")


def test_similar_products_are_ranked_both_ways_and_never_the_product_itself():
    similar = similar_products(PAIRS, "customer_jaccard", min_cooccurrence=2, top_n=2)
    assert (similar["product_code"] != similar["similar_product_code"]).all()
    by_product = similar.groupby("product_code")
    assert by_product["rank"].apply(list).to_dict() == {
        "A": [1, 2],
        "B": [1, 2],
        "C": [1],
        "D": [1, 2],
    }
    top_of_a = similar[similar["product_code"] == "A"]["similar_product_code"].tolist()
    assert top_of_a == ["B", "D"]  # 6/12 = 0.5 beats 9/41
    # The A-C pair was seen by one customer only: below min_cooccurrence, so neither side lists it.
    assert not ((similar["product_code"] == "C") & (similar["similar_product_code"] == "A")).any()
    b_to_a = similar[
        (similar["product_code"] == "B") & (similar["similar_product_code"] == "A")
    ].iloc[0]
    assert b_to_a["confidence"] == pytest.approx(7 / 9)
    assert b_to_a["co_baskets"] == 7


def test_one_shared_basket_cannot_make_a_perfect_match():
    # Two rarely bought products that happened to share one basket look identical...
    per_product = {"W": (1, 1), "Y": (1, 1), "X": (4, 4), "Z": (5, 5)}
    pairs = pairs_frame([("W", "Y", 1, 1), ("X", "Z", 3, 3)], per_product)
    assert similar_products(pairs, min_cooccurrence=1)["similarity"].max() == 1.0
    # ...unless a pair must be seen at least twice.
    strict = similar_products(pairs, min_cooccurrence=2)
    assert set(strict["product_code"]) == {"X", "Z"}


HISTORY = pd.DataFrame(
    {
        "customer_id": ["u1", "u1", "u2"],
        "product_code": ["A", "B", "D"],
        "last_purchased_at": pd.to_datetime(["2011-06-01", "2011-01-01", "2011-06-01"]),
    }
)
NEIGHBOURS = similar_products(PAIRS, "customer_jaccard", min_cooccurrence=1, top_n=10)
AS_OF = pd.Timestamp("2011-06-02")


def test_recommendations_exclude_what_the_customer_bought_and_name_the_main_reason():
    recs = recommend(HISTORY, NEIGHBOURS, AS_OF, RecommenderSettings(top_n=5))
    u1 = recs[recs["customer_id"] == "u1"]
    assert set(u1["product_code"]).isdisjoint({"A", "B"})
    assert u1["rank"].tolist() == list(range(1, len(u1) + 1))
    assert u1["score"].is_monotonic_decreasing
    # D is similar to both A and B; A was bought recently, so A is the reason.
    assert u1.set_index("product_code").loc["D", "because_you_bought"] == "A"
    u2 = recs[recs["customer_id"] == "u2"]
    assert "D" not in set(u2["product_code"])
    assert set(u2["because_you_bought"]) == {"D"}


def test_recent_purchases_weigh_more_than_old_ones():
    settings = RecommenderSettings(half_life_days=30, power=1)
    recent_b = HISTORY.assign(
        last_purchased_at=pd.to_datetime(["2011-01-01", "2011-06-01", "2011-06-01"])
    )
    old_b = recommend(HISTORY, NEIGHBOURS, AS_OF, settings)
    new_b = recommend(recent_b, NEIGHBOURS, AS_OF, settings)

    def reason(recs):
        return recs[(recs["customer_id"] == "u1") & (recs["product_code"] == "D")][
            "because_you_bought"
        ].item()

    assert (reason(old_b), reason(new_b)) == ("A", "B")


def test_scores_are_the_decayed_sum_of_powered_similarities():
    settings = RecommenderSettings(half_life_days=math.inf, power=2, top_n=10)
    recs = recommend(HISTORY.iloc[:2], NEIGHBOURS, AS_OF, settings).set_index("product_code")
    sim = NEIGHBOURS.set_index(["product_code", "similar_product_code"])["similarity"]
    expected = sim[("A", "D")] ** 2 + sim[("B", "D")] ** 2
    assert recs.loc["D", "score"] == pytest.approx(expected)


def test_batches_give_the_same_answer_as_one_pass():
    rng = np.random.default_rng(3)
    history = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in rng.integers(0, 40, 200)],
            "product_code": rng.choice(list(PRODUCTS), 200),
            "last_purchased_at": pd.Timestamp("2011-05-01")
            + pd.to_timedelta(rng.integers(0, 30, 200), "D"),
        }
    ).drop_duplicates(["customer_id", "product_code"])
    one = recommend(history, NEIGHBOURS, AS_OF, batch_customers=10_000)
    many = recommend(history, NEIGHBOURS, AS_OF, batch_customers=7)
    pd.testing.assert_frame_equal(one, many)


def test_metrics_on_a_worked_example():
    truth = pd.DataFrame({"customer_id": ["u1", "u1", "u2"], "product_code": ["X", "Y", "Z"]})
    recs = pd.DataFrame(
        {
            "customer_id": ["u1", "u1", "u1", "u2", "u2"],
            "rank": [1, 2, 3, 1, 2],
            "product_code": ["Y", "Q", "X", "Q", "R"],
        }
    )
    metrics = evaluate_holdout(recs, truth, catalogue_size=10, k=3)
    assert metrics["customers_evaluated"] == 2
    assert metrics["precision_at_k"] == pytest.approx((2 / 3 + 0) / 2)
    assert metrics["recall_at_k"] == pytest.approx((2 / 2 + 0) / 2)
    assert metrics["hit_rate_at_k"] == pytest.approx(0.5)
    ideal_u1 = 1 + 1 / math.log2(3)
    assert metrics["ndcg_at_k"] == pytest.approx(((1 + 1 / math.log2(4)) / ideal_u1 + 0) / 2)
    assert metrics["catalogue_coverage"] == pytest.approx(4 / 10)


def test_holdout_truth_is_new_products_of_customers_with_history():
    lines = pd.DataFrame(
        {
            "customer_id": ["u1", "u1", "u1", "u2", "u3"],
            "product_code": ["A", "A", "B", "C", "A"],
            "invoiced_at": pd.to_datetime(
                ["2011-01-01", "2011-06-01", "2011-06-02", "2011-06-01", "2011-01-01"]
            ),
            "is_training": [True, False, False, False, True],
        }
    )
    truth = holdout_truth(lines)
    assert truth.values.tolist() == [["u1", "B"]]  # u2 has no history; u1 already owned A
    assert purchase_history(lines[lines["is_training"]])["customer_id"].tolist() == ["u1", "u3"]


def test_popularity_baseline_skips_what_the_customer_owns():
    history = pd.DataFrame(
        {"customer_id": ["a", "b", "c", "a"], "product_code": ["P", "P", "Q", "R"]}
    )
    recs = popularity_recommendations(history, ["a", "z"], top_n=2)
    assert recs[recs["customer_id"] == "a"]["product_code"].tolist() == ["Q"]
    assert recs[recs["customer_id"] == "z"]["product_code"].tolist() == ["P", "Q"]


def test_ties_go_to_the_smaller_code_in_both_the_ranking_and_the_reason():
    # X and Y are equally similar to everything: equal scores and equal contributions.
    neighbours = pd.DataFrame(
        {
            "product_code": ["X", "X", "X", "Y", "Y", "Y"],
            "similar_product_code": ["P", "Q", "R", "P", "Q", "R"],
            "similarity": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
        }
    )
    history = pd.DataFrame(
        {
            "customer_id": ["u", "u"],
            "product_code": ["X", "Y"],
            "last_purchased_at": pd.to_datetime(["2011-06-01", "2011-06-01"]),
        }
    )
    for rows in (history, history.iloc[::-1]):
        recs = recommend(rows, neighbours.iloc[::-1], AS_OF, RecommenderSettings(top_n=2))
        assert recs["product_code"].tolist() == ["P", "Q"]
        assert recs["because_you_bought"].tolist() == ["X", "X"]
