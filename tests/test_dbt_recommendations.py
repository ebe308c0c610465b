"""Recommendations through `dbt build` on the sample: planted bundles found, nothing already owned."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from shopper_spectrum.generator import truth_dir
from shopper_spectrum.recommend import RecommenderSettings
from shopper_spectrum.recommend.tuning import evaluate_item_model, load_folds

from .conftest import SAMPLE_EXPORT, assert_built, run_dbt


@pytest.fixture(scope="module")
def bundle_of() -> dict[str, str]:
    with (truth_dir(SAMPLE_EXPORT) / "bundles.csv").open() as handle:
        return {row["product_code"].upper(): row["bundle_id"] for row in csv.DictReader(handle)}


def share_in_same_bundle(bundle_of: dict[str, str], best: dict[str, str]) -> float:
    same = [bundle_of.get(best.get(code)) == bundle for code, bundle in bundle_of.items()]
    return sum(same) / len(same)


def test_planted_bundles_are_each_others_most_similar_products(sample_build, bundle_of):
    top_1 = dict(
        sample_build.query(
            "select product_code, similar_product_code from product_similarity where rank = 1"
        )
    )
    assert share_in_same_bundle(bundle_of, top_1) >= 0.9


def test_the_item_model_weighs_a_products_bundle_mates_most(sample_build, bundle_of):
    strongest = dict(
        sample_build.query(
            """
            select product_code, arg_max(neighbour_code, weight)
            from item_model
            group by product_code
            """
        )
    )
    assert share_in_same_bundle(bundle_of, strongest) >= 0.9


def test_similar_products_never_include_the_product_and_rank_without_gaps(sample_build):
    assert (
        sample_build.scalar(
            "select count(*) from product_similarity where product_code = similar_product_code"
        )
        == 0
    )
    assert sample_build.scalar("select max(rank) from product_similarity") == 10
    assert (
        sample_build.scalar(
            "select count(*) from (select product_code from product_similarity"
            " group by 1 having max(rank) != count(*))"
        )
        == 0
    )


def test_every_customer_gets_ten_new_products_most_with_a_reason_they_bought(sample_build):
    customers, recommended, places, with_reason = sample_build.query(
        "select (select count(*) from fct_customer_rfm), count(distinct customer_id), count(*),"
        " count(because_you_bought) from customer_recommendations"
    )[0]
    assert recommended == customers
    assert places == 10 * customers
    assert with_reason > 0.9 * places
    owned = sample_build.scalar(
        """
        select count(*)
        from customer_recommendations as r
        inner join fct_purchase_lines as p
            on r.customer_id = p.customer_id and r.product_code = p.product_code
        """
    )
    assert owned == 0
    reasons_not_bought = sample_build.scalar(
        """
        select count(*)
        from customer_recommendations as r
        left join fct_purchase_lines as p
            on r.customer_id = p.customer_id and r.because_you_bought = p.product_code
            and not p.is_cancellation
        where r.because_you_bought is not null and p.customer_id is null
        """
    )
    assert reasons_not_bought == 0


def test_cooccurrence_counts_equal_a_naive_count_over_purchase_lines(sample_build):
    """fct_item_cooccurrence (keyed, summed from monthly counts) against a plain distinct count."""
    naive = sample_build.query(
        """
        with purchases as (
            select invoice_id, product_code from fct_purchase_lines where not is_cancellation
        )
        select a.product_code, b.product_code, count(distinct a.invoice_id) as baskets
        from purchases as a
        inner join purchases as b
            on a.invoice_id = b.invoice_id and a.product_code < b.product_code
        group by all
        having count(distinct a.invoice_id) >= 2
        order by all
        """
    )
    built = sample_build.query(
        "select product_code_a, product_code_b, baskets from fct_item_cooccurrence order by all"
    )
    assert len(built) > 10_000
    assert built == naive


def test_item_model_weights_solve_each_products_ridge_regression(sample_build):
    """For a sample of products, an independent dense solve from fct_item_cooccurrence's counts."""
    pairs = sample_build.frame(
        "select product_code_a, product_code_b, baskets, product_a_baskets, product_b_baskets"
        " from fct_item_cooccurrence"
    )
    own = dict(zip(pairs["product_code_a"], pairs["product_a_baskets"], strict=True))
    own.update(zip(pairs["product_code_b"], pairs["product_b_baskets"], strict=True))
    shared = {
        frozenset((a, b)): n
        for a, b, n in zip(
            pairs["product_code_a"], pairs["product_code_b"], pairs["baskets"], strict=True
        )
    }
    mean_baskets = sample_build.scalar(
        "select avg(baskets) from int_product_pairs where fold = 0 and product_key_a = product_key_b"
    )
    config = sample_build.manifest_config("item_model")["recommender"]
    l2 = float(config["l2_multiple"]) * mean_baskets
    weights = sample_build.frame("select product_code, neighbour_code, weight from item_model")
    for product in sorted(weights["product_code"].unique())[::40]:
        mine = weights[weights["product_code"] == product]
        members = mine["neighbour_code"].tolist()
        block = np.array(
            [
                [own[x] if x == y else shared.get(frozenset((x, y)), 0) for y in members]
                for x in members
            ],
            dtype=float,
        )
        target = [shared[frozenset((x, product))] for x in members]
        expected = np.linalg.solve(block + l2 * np.eye(len(members)), target)
        assert mine["weight"].to_numpy() == pytest.approx(expected)


def test_the_evaluation_averages_rolling_origin_folds(sample_build):
    folds = sample_build.frame(
        "select fold, training_cutoff, test_until from int_recommendation_training_sets"
        " where fold > 0 order by fold"
    )
    assert folds["fold"].tolist() == [1, 2, 3]
    cutoffs = pd.to_datetime(folds["training_cutoff"])
    assert (cutoffs.dt.day == 1).all() and cutoffs.is_monotonic_decreasing
    as_of = sample_build.scalar("select as_of_date from int_as_of_date")
    assert pd.Timestamp(folds["test_until"].iloc[0]) <= pd.Timestamp(as_of)
    summary = sample_build.frame("select * from recommendation_evaluation").set_index("model")
    assert set(summary.index) == {"item_model", "popularity"}
    per_fold = sample_build.frame(
        "select precision_at_k from recommendation_evaluation_folds where model = 'item_model'"
    )["precision_at_k"]
    assert summary.loc["item_model", "folds"] == 3
    assert summary.loc["item_model", "precision_at_k"] == pytest.approx(per_fold.mean())
    assert summary.loc["item_model", "precision_at_k_se"] == pytest.approx(
        per_fold.std(ddof=1) / np.sqrt(3)
    )
    assert (
        summary.loc["item_model", "catalogue_coverage"]
        > summary.loc["popularity", "catalogue_coverage"]
    )


def test_the_tuning_script_evaluates_with_the_builds_own_code(sample_build):
    """scripts/tune_recommender.py's default row is the build's recommendation_evaluation_folds."""
    tuned = evaluate_item_model(load_folds(sample_build.database), RecommenderSettings(), 2)
    built = sample_build.frame(
        "select fold, customers_evaluated, precision_at_k, recall_at_k, hit_rate_at_k, ndcg_at_k,"
        " catalogue_coverage from recommendation_evaluation_folds where model = 'item_model'"
        " order by fold"
    )
    pd.testing.assert_frame_equal(tuned, built, check_dtype=False)


def test_each_fold_evaluates_a_fixed_sample_above_its_customer_cap(sample_build, tmp_path):
    assert_built(run_dbt(tmp_path, command="seed"))
    capped = assert_built(
        run_dbt(
            tmp_path,
            extra_vars={"evaluation_max_customers": 50},
            command="run",
            select="+int_recommendation_fold_customers",
        )
    )
    kept = capped.frame(
        "select distinct fold, customer_id from int_recommendation_fold_customers order by all"
    )
    # The first 50 customers by md5 of their id, of everyone the uncapped fold evaluates.
    expected = sample_build.frame(
        """
        select fold, customer_id
        from (select distinct fold, customer_id from int_recommendation_fold_customers)
        qualify row_number() over (partition by fold order by md5(customer_id), customer_id) <= 50
        order by all
        """
    )
    assert kept.groupby("fold").size().tolist() == [50, 50, 50]
    pd.testing.assert_frame_equal(kept, expected)
