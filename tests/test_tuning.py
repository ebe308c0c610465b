"""The fold arithmetic the tuning record rests on, on hand-made folds."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from shopper_spectrum.recommend import Fold
from shopper_spectrum.recommend.tuning import (
    evaluate_similar_products,
    last_basket_seeds,
    summarise,
)


def test_summary_gives_mean_standard_error_and_the_paired_difference():
    per_fold = {
        "default": pd.DataFrame({"fold": [1, 2, 3], "precision_at_k": [0.10, 0.20, 0.30]}),
        "other": pd.DataFrame({"fold": [3, 2, 1], "precision_at_k": [0.32, 0.21, 0.10]}),
    }
    summary = summarise(per_fold, "default").set_index("candidate")
    assert summary.loc["default", "precision_at_k"] == pytest.approx(0.2)
    assert summary.loc["default", "precision_at_k_se"] == pytest.approx(0.1 / math.sqrt(3))
    # Fold by fold the other is 0, 0.01 and 0.02 ahead: a small difference, known precisely.
    assert summary.loc["other", "precision_at_k_diff"] == pytest.approx(0.01)
    assert summary.loc["other", "precision_at_k_diff_se"] == pytest.approx(0.01 / math.sqrt(3))


FOLD = Fold(
    number=1,
    training_cutoff=pd.Timestamp("2011-03-01"),
    gram=pd.DataFrame(
        {
            "count_unit": "basket",
            "product_key_a": [1, 1, 1, 2, 2, 3],
            "product_key_b": [1, 2, 3, 2, 3, 3],
            "co_count": [9, 5, 1, 6, 2, 4],
        }
    ),
    neighbours=pd.DataFrame(
        {
            "count_unit": "basket",
            "product_key": [1, 1, 2, 2, 3, 3],
            "rank": [1, 2, 1, 2, 1, 2],
            "neighbour_key": [2, 3, 1, 3, 2, 1],
            "co_count": [5, 1, 5, 2, 2, 1],
        }
    ),
    popularity=pd.DataFrame(
        {"product_key": [1, 2, 3], "customers": [2, 2, 1], "recent_customers": [1, 1, 1]}
    ),
    history=pd.DataFrame(
        {
            "customer_id": ["u", "u", "v"],
            "product_key": [1, 2, 3],
            "last_purchased_at": pd.to_datetime(["2011-02-20", "2011-01-05", "2011-02-01"]),
        }
    ),
    truth=pd.DataFrame({"customer_id": ["u", "v", "v"], "product_key": [3, 1, 4]}),
)


def test_seeds_are_the_products_of_each_customers_last_purchase_day():
    assert last_basket_seeds(FOLD).values.tolist() == [["u", 1], ["v", 3]]


def test_similar_products_are_scored_against_what_the_seeds_buyers_bought_next():
    def lists(fold: Fold) -> pd.DataFrame:
        return fold.neighbours

    scores = evaluate_similar_products([FOLD], lists, k=2).iloc[0]
    # u's seed 1 lists [2, 3]: 3 is new to u (a hit); v's seed 3 lists [2, 1]: 1 is a hit.
    assert scores["seeds"] == 2
    assert scores["precision_at_k"] == pytest.approx(0.5)
    assert scores["hit_rate_at_k"] == pytest.approx(1.0)
