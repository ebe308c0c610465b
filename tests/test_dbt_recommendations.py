"""Recommendations through `dbt build`: planted structure found, nothing already owned, and the
build's choice of recommender following the kind of shop it is given."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from shopper_spectrum.generator import GeneratorConfig, generate, truth_dir, write_export
from shopper_spectrum.recommend import CandidateGrid, ScoringSettings, evaluate_fold
from shopper_spectrum.recommend.evaluation import stack_folds
from shopper_spectrum.recommend.tuning import load_folds

from .conftest import SAMPLE_EXPORT, assert_built, run_dbt, scratch_directory


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


def test_every_customer_gets_ten_new_products_each_with_a_true_reason(sample_build):
    customers, recommended, places, bought_with = sample_build.query(
        "select (select count(*) from fct_customer_rfm), count(distinct customer_id), count(*),"
        " count(*) filter (where reason = 'bought_with') from customer_recommendations"
    )[0]
    assert recommended == customers
    assert places == 10 * customers
    assert bought_with > 0.3 * places
    owned = sample_build.scalar(
        """
        select count(*)
        from customer_recommendations as r
        inner join fct_sales_lines as p
            on r.customer_id = p.customer_id and r.product_code = p.product_code
        """
    )
    assert owned == 0
    # A reason names a product the customer bought; a popular pick names none.
    reasons_not_bought = sample_build.scalar(
        """
        select count(*)
        from customer_recommendations as r
        left join fct_sales_lines as p
            on r.customer_id = p.customer_id and r.because_you_bought = p.product_code
            and not p.is_cancellation
        where r.because_you_bought is not null and p.customer_id is null
        """
    )
    assert reasons_not_bought == 0
    assert (
        sample_build.scalar(
            "select count(*) from customer_recommendations"
            " where (reason = 'popular_now') != (because_you_bought is null)"
        )
        == 0
    )


def test_cooccurrence_counts_equal_a_naive_count_over_purchase_lines(sample_build):
    """fct_item_cooccurrence (keyed, counted in slices) against a plain distinct count."""
    naive = sample_build.query(
        """
        with purchases as (
            select invoice_id, product_code from fct_sales_lines where not is_cancellation
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


def test_customer_counts_equal_a_naive_count_over_each_customers_recent_products(sample_build):
    """int_product_pairs' customer counts (fold 0) against a plain count over every customer's
    var recommendation_customer_history_cap most recently bought products."""
    naive = sample_build.query(
        """
        with last_purchases as (
            select customer_id, product_key, max(last_purchased_at) as last_purchased_at
            from int_customer_product_history group by all
        ),
        recent as (
            select customer_id, product_key from last_purchases
            qualify row_number() over (
                partition by customer_id order by last_purchased_at desc, product_key
            ) <= 100
        )
        select a.product_key, b.product_key, count(*)
        from recent as a inner join recent as b
            on a.customer_id = b.customer_id and a.product_key < b.product_key
        group by all
        having count(*) >= 2
        order by all
        """
    )
    built = sample_build.query(
        "select product_key_a, product_key_b, co_count from int_product_pairs"
        " where fold = 0 and count_unit = 'customer' and product_key_a < product_key_b"
        " order by all"
    )
    assert len(built) > 10_000
    assert built == naive


def test_item_model_weights_solve_each_products_ridge_regression(sample_build):
    """For a sample of products, an independent dense solve from the chosen unit's counts."""
    unit, l2_multiple = sample_build.query(
        "select count_unit, l2_multiple from recommendation_evaluation"
        " where is_chosen and popularity_share < 1"
    )[0]
    pairs = sample_build.frame(
        f"select product_key_a, product_key_b, co_count from int_product_pairs"
        f" where fold = 0 and count_unit = '{unit}'"
    )
    own = pairs[pairs["product_key_a"] == pairs["product_key_b"]]
    own = dict(zip(own["product_key_a"], own["co_count"], strict=True))
    shared = {
        frozenset((a, b)): n
        for a, b, n in pairs[pairs["product_key_a"] != pairs["product_key_b"]].itertuples(
            index=False
        )
    }
    l2 = l2_multiple * np.mean(list(own.values()))
    weights = sample_build.frame("select product_key, neighbour_key, weight from item_model")
    for product in sorted(weights["product_key"].unique())[::40]:
        mine = weights[weights["product_key"] == product]
        members = mine["neighbour_key"].tolist()
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


def test_the_evaluation_summarises_the_folds_and_chooses_by_the_one_standard_error_rule(
    sample_build,
):
    folds = sample_build.frame(
        "select fold, training_cutoff, test_until from int_recommendation_training_sets"
        " where fold > 0 order by fold"
    )
    assert folds["fold"].tolist() == [1, 2, 3]
    cutoffs = pd.to_datetime(folds["training_cutoff"])
    assert (cutoffs.dt.day == 1).all() and cutoffs.is_monotonic_decreasing
    as_of = sample_build.scalar("select as_of_date from int_as_of_date")
    assert pd.Timestamp(folds["test_until"].iloc[0]) <= pd.Timestamp(as_of)

    # An independent reference: pandas over the per-fold table.
    per_fold = sample_build.frame("select * from recommendation_evaluation_folds")
    precision = per_fold.pivot(index="candidate", columns="fold", values="precision_at_k")
    offered = per_fold.groupby("candidate")["is_candidate"].first()
    best = precision[offered].mean(axis=1).idxmax()
    gaps = precision.loc[best] - precision
    gap_se = gaps.std(axis=1, ddof=1) / np.sqrt(3)
    level = offered & (gaps.mean(axis=1) <= gap_se)
    summary = sample_build.frame("select * from recommendation_evaluation").set_index("candidate")
    assert summary["precision_at_k"].to_numpy() == pytest.approx(
        precision.mean(axis=1).reindex(summary.index).to_numpy()
    )
    assert summary["precision_at_k_se"].to_numpy() == pytest.approx(
        (precision.std(axis=1, ddof=1) / np.sqrt(3)).reindex(summary.index).to_numpy()
    )
    assert summary["is_level_with_best"].to_dict() == level.to_dict()
    assert summary.index[summary["is_chosen"]].tolist() == [level[level].index.min()]
    # Popularity alone is always evaluated, whatever the grid offers.
    assert (summary["popularity_share"] == 1).sum() == 2


def test_the_tuning_script_reads_the_folds_the_build_evaluated(sample_build):
    """load_folds gives back the build's folds: evaluated again, they give its per-fold table."""
    manifest = sample_build.manifest_config("recommendation_evaluation_folds")["recommender"]
    again = stack_folds(
        [
            evaluate_fold(
                fold, CandidateGrid.from_config(manifest), ScoringSettings.from_config(manifest)
            )
            for fold in load_folds(sample_build.database)
        ]
    )
    built = sample_build.frame(
        "select * from recommendation_evaluation_folds order by fold, candidate"
    )
    # inputs_digest is the build's record of what a fold depended on, not a result
    pd.testing.assert_frame_equal(
        again.sort_values(["fold", "candidate"], ignore_index=True).drop(columns="inputs_digest"),
        built.drop(columns="inputs_digest"),
        check_dtype=False,
    )


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


def test_one_value_per_setting_pins_the_recommender(tmp_path):
    pinned = assert_built(
        run_dbt(
            tmp_path,
            extra_vars={
                "recommendation_count_units": ["customer"],
                "item_model_l2_multiples": [8],
                "recommendation_popularity_windows": ["recent"],
                "recommendation_popularity_shares": [0.5],
            },
            select="+customer_recommendations",
        )
    )
    offered = pinned.frame(
        "select label, is_chosen from recommendation_evaluation where is_candidate"
    )
    assert offered.to_dict("records") == [
        {"label": "item model on customers, K 20, λ 8×, 50% recent popularity", "is_chosen": True}
    ]
    assert pinned.scalar("select count(*) from recommendation_evaluation") == 3
    assert pinned.scalar("select count(*) from int_product_pairs where count_unit = 'basket'") > 0


# The build's choice follows the shop -----------------------------------------------------------


@pytest.fixture(scope="module")
def shop_builds(tmp_path_factory) -> Iterator[dict]:
    """Each kind of generated shop built to its recommendation_evaluation."""
    builds = {}
    with scratch_directory(tmp_path_factory, "shops") as root:
        for shop in ("wholesale", "grocery", "club"):
            workdir = root / shop
            export = write_export(
                generate(GeneratorConfig(lines=60_000, shop=shop)), workdir / f"{shop}.csv.gz"
            )
            builds[shop] = assert_built(
                run_dbt(
                    workdir,
                    export,
                    select="+warn_on_recommendations_not_ahead_of_popularity",
                )
            )
        yield builds


def chosen(build) -> dict:
    return build.frame("select * from recommendation_evaluation where is_chosen").iloc[0].to_dict()


def test_a_wholesaler_gets_baskets_and_less_popularity_than_a_club(shop_builds):
    picked = chosen(shop_builds["wholesale"])
    assert picked["count_unit"] == "basket"
    assert picked["popularity_share"] < chosen(shop_builds["club"])["popularity_share"]
    assert picked["is_ahead_of_popularity"]


def test_a_grocer_gets_customers_where_baskets_only_pair_staples(shop_builds):
    picked = chosen(shop_builds["grocery"])
    assert picked["count_unit"] == "customer"
    assert picked["is_ahead_of_popularity"]
    best_on_baskets = shop_builds["grocery"].scalar(
        "select max(precision_at_k) from recommendation_evaluation where count_unit = 'basket'"
    )
    assert picked["precision_at_k"] > best_on_baskets


def test_a_club_of_short_lived_products_gets_what_sells_now_and_a_warning(shop_builds):
    club = shop_builds["club"]
    picked = chosen(club)
    assert (picked["popularity_share"], picked["popularity_window"]) == (1.0, "recent")
    assert not picked["is_ahead_of_popularity"]
    assert "WARN 1 warn_on_recommendations_not_ahead_of_popularity" in club.output
    assert " WARN=0 " in shop_builds["wholesale"].output
