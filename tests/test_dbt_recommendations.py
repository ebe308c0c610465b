"""Recommendations through `dbt build` on the sample: planted bundles found, nothing already owned."""

from __future__ import annotations

import csv

import pandas as pd

from shopper_spectrum.generator import truth_dir
from shopper_spectrum.recommend import similar_products
from shopper_spectrum.recommend.history import purchase_history

from .conftest import SAMPLE_EXPORT, assert_built, run_dbt


def test_planted_bundles_are_each_others_most_similar_products(sample_build):
    with (truth_dir(SAMPLE_EXPORT) / "bundles.csv").open() as handle:
        bundle_of = {
            row["product_code"].upper(): row["bundle_id"] for row in csv.DictReader(handle)
        }
    top_1 = dict(
        sample_build.query(
            "select product_code, similar_product_code from product_similarity where rank = 1"
        )
    )
    same_bundle = [bundle_of.get(top_1.get(code)) == bundle for code, bundle in bundle_of.items()]
    assert sum(same_bundle) / len(same_bundle) >= 0.9


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
            "select count(*) from (select product_code from product_similarity group by 1 having max(rank) != count(*))"
        )
        == 0
    )


def test_every_customer_gets_new_products_with_a_reason_they_bought(sample_build):
    customers, recommended = sample_build.query(
        "select (select count(*) from fct_customer_rfm), count(distinct customer_id) from customer_recommendations"
    )[0]
    assert recommended == customers
    owned = sample_build.scalar(
        """
        select count(*)
        from customer_recommendations as r
        inner join fct_purchase_lines as p on r.customer_id = p.customer_id and r.product_code = p.product_code
        """
    )
    assert owned == 0
    reasons_not_bought = sample_build.scalar(
        """
        select count(*)
        from customer_recommendations as r
        left join fct_purchase_lines as p
            on r.customer_id = p.customer_id and r.because_you_bought = p.product_code and not p.is_cancellation
        where p.customer_id is null
        """
    )
    assert reasons_not_bought == 0


def test_evaluation_table_compares_the_recommender_with_popularity(sample_build):
    rows = {
        row[0]: row[1:]
        for row in sample_build.query(
            "select model, customers_evaluated, precision_at_k, hit_rate_at_k, catalogue_coverage "
            "from recommendation_evaluation"
        )
    }
    assert set(rows) == {"item_similarity", "popularity"}
    customers, precision, hit_rate, coverage = rows["item_similarity"]
    assert customers > 100
    assert 0 < precision <= hit_rate <= 1
    assert coverage > rows["popularity"][3]


def test_cooccurrence_counts_equal_a_naive_count_over_purchase_lines(sample_build):
    """fct_item_cooccurrence (keyed, sliced into passes) against a plain distinct count per pair."""
    naive = sample_build.query(
        """
        with lines as (
            select customer_id, invoice_id, product_code
            from fct_purchase_lines
            where not is_cancellation
        ),
        pairs as (
            select
                a.product_code as product_code_a,
                b.product_code as product_code_b,
                count(distinct a.customer_id) as customers,
                count(distinct a.invoice_id) filter (where a.invoice_id = b.invoice_id) as baskets
            from lines as a
            inner join lines as b
                on a.customer_id = b.customer_id and a.product_code < b.product_code
            group by all
        )
        select * from pairs where customers >= 2 or baskets >= 1 order by all
        """
    )
    built = sample_build.query(
        "select product_code_a, product_code_b, customers, baskets from fct_item_cooccurrence"
        " order by all"
    )
    assert len(built) > 100_000
    assert any(customers == 1 for _, _, customers, _ in built)
    assert built == naive


def test_purchase_history_in_sql_equals_the_pandas_one(sample_build):
    """int_customer_product_history (the build's) and purchase_history (the evaluation's)."""
    order = ["customer_id", "product_code"]
    in_sql = sample_build.frame("select * from int_customer_product_history")
    in_pandas = purchase_history(
        sample_build.frame("select * from fct_purchase_lines where not is_cancellation")
    )
    assert len(in_sql) > 10_000
    pd.testing.assert_frame_equal(
        in_sql.sort_values(order, ignore_index=True),
        in_pandas.sort_values(order, ignore_index=True),
        check_dtype=False,
    )


def test_neighbours_ranked_in_sql_equal_the_pandas_reference(sample_build):
    """int_item_neighbours (SQL, used by the build) and similar_products (pandas, used for tuning)."""
    pairs = pd.DataFrame(
        sample_build.query("select * from fct_item_cooccurrence where customers >= 2"),
        columns=[r[0] for r in sample_build.query("describe fct_item_cooccurrence")],
    )
    reference = similar_products(pairs, "customer_jaccard", min_cooccurrence=2, top_n=100)
    in_sql = pd.DataFrame(
        sample_build.query(
            "select product_code, similar_product_code, rank, similarity from int_item_neighbours"
            " order by product_code, rank"
        ),
        columns=["product_code", "similar_product_code", "rank", "similarity"],
    )
    assert len(in_sql) == len(reference) > 10_000
    pd.testing.assert_frame_equal(
        in_sql,
        reference[["product_code", "similar_product_code", "rank", "similarity"]],
        check_dtype=False,
    )


def test_the_evaluation_holdout_keeps_a_fixed_sample_above_its_customer_cap(sample_build, tmp_path):
    assert_built(run_dbt(tmp_path, command="seed"))
    capped = assert_built(
        run_dbt(
            tmp_path,
            extra_vars={"evaluation_max_customers": 50},
            command="run",
            select="+int_recommendation_holdout_lines",
        )
    )
    kept = {
        row[0]
        for row in capped.query("select distinct customer_id from int_recommendation_holdout_lines")
    }
    # The first 50 customers by md5 of their id, of everyone the uncapped holdout has.
    expected = {
        row[0]
        for row in sample_build.query(
            "select customer_id from (select distinct customer_id from int_recommendation_holdout_lines)"
            " order by md5(customer_id), customer_id limit 50"
        )
    }
    assert kept == expected
    assert sample_build.scalar(
        "select count(distinct customer_id) from int_recommendation_holdout_lines"
    ) == sample_build.scalar(
        "select count(distinct customer_id) from fct_purchase_lines where not is_cancellation"
    )
