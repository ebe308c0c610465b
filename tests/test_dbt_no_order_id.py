"""Exports without an order id: a basket is a customer's day, and a build whose orders cannot be
told apart (invoice mapped to the customer) says so."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from shopper_spectrum.generator import NO_ORDER_ID_COLUMNS, GeneratorConfig, generate, write_export

from .conftest import assert_built, run_dbt, scratch_directory
from .test_viewer_app import MAIN, page

CUSTOMER_MARTS = {
    "fct_customer_rfm": "select customer_id, recency_days, frequency, monetary from fct_customer_rfm",
    "customer_segments": "select customer_id, segment from customer_segments",
    "customer_recommendations": (
        "select customer_id, rank, product_code from customer_recommendations"
    ),
}


def ordered(build, sql: str) -> list[tuple]:
    return build.query(f"select * from ({sql}) order by all")


@pytest.fixture(scope="module")
def till_export(tmp_path_factory):
    """A generated export as a till writes it: no order id, dates without times."""
    with scratch_directory(tmp_path_factory, "till") as directory:
        yield write_export(
            generate(GeneratorConfig(lines=8_000, seed=21)),
            directory / "data" / "till.csv",
            layout="no_order_id",
        )


@pytest.fixture(scope="module")
def till_build(till_export, tmp_path_factory):
    with scratch_directory(tmp_path_factory, "till_build") as workdir:
        yield assert_built(run_dbt(workdir, till_export, {"raw_columns": NO_ORDER_ID_COLUMNS}))


def test_without_an_order_id_a_basket_is_a_customers_day(till_build, monkeypatch):
    assert till_build.query("select basket_rule, orders_look_indistinct from audit_orders") == [
        ("customer_day", False)
    ]
    # every kept line's basket is its customer's day; returns are cancellations of their own
    assert (
        till_build.scalar(
            "select count(*) from stg_online_retail__invoice_lines where not is_unparseable"
            " and not is_guest and invoice_id is distinct from case when quantity < 0 then 'C' else ''"
            " end || 'D' || customer_id || '@' || cast(cast(invoiced_at as date) as varchar)"
        )
        == 0
    )
    assert till_build.scalar("select count(*) from fct_sales_lines where quantity < 0") > 0
    # zero-padded ids are kept as written
    assert till_build.scalar("select min(length(customer_id)) from fct_customer_rfm") == 10
    (several_orders,) = till_build.query(
        "select count(*) filter (where frequency > 1) / count(*) from fct_customer_rfm"
    )[0]
    assert several_orders > 0.5
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", str(till_build.database))
    segmentation = page(AppTest.from_file(MAIN, default_timeout=60), "segmentation")
    assert "an order here is one customer's purchases in one day" in segmentation.info[0].value


def test_the_same_lines_with_daily_order_ids_build_the_same_customers(
    till_export, till_build, tmp_path
):
    """The reference: the export with an order column written by hand as a customer's day (with
    the UCI layouts' C prefix on returns), built the ordinary way."""
    with_ids = tmp_path / "data" / "with_ids.csv"
    with_ids.parent.mkdir(parents=True)
    duckdb.execute(
        f"""copy (
            select *, case when try_cast("QUANTITY" as double) < 0 then 'C' else '' end
                || coalesce("CUSTOMER_ID" || '-' || "TRANSACTION_DT", 'guest-' || row_number() over ())
                as "ORDER_ID"
            from read_csv('{till_export}', all_varchar = true)
        ) to '{with_ids}' (header)"""
    )
    daily_ids = assert_built(
        run_dbt(tmp_path, with_ids, {"raw_columns": {**NO_ORDER_ID_COLUMNS, "invoice": "ORDER_ID"}})
    )
    assert daily_ids.scalar("select basket_rule from audit_orders") == "invoice"
    for table, sql in CUSTOMER_MARTS.items():
        assert ordered(till_build, sql) == ordered(daily_ids, sql), table


def test_a_warehouse_table_without_an_order_id_builds_the_same(till_export, till_build, tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as warehouse:
        warehouse.execute("create schema sales")
        warehouse.execute(
            "create table sales.till as select * from read_csv(?, dateformat = '%m/%d/%Y')",
            [str(till_export)],
        )
    build = assert_built(
        run_dbt(
            tmp_path,
            None,
            {"raw_relation": "sales.till", "raw_columns": NO_ORDER_ID_COLUMNS},
        )
    )
    sql = CUSTOMER_MARTS["fct_customer_rfm"]
    assert ordered(build, sql) == ordered(till_build, sql)


def test_invoice_mapped_to_the_customer_warns_in_the_build_and_the_viewer(
    till_export, tmp_path, monkeypatch
):
    build = run_dbt(
        tmp_path, till_export, {"raw_columns": {**NO_ORDER_ID_COLUMNS, "invoice": "CUSTOMER_ID"}}
    )
    assert build.returncode == 0, build.output[-3000:]
    assert "warn_on_indistinct_orders" in build.output
    assert build.query("select orders_look_indistinct from audit_orders") == [(True,)]
    assert build.scalar("select max(frequency) from fct_customer_rfm") == 1
    monkeypatch.setenv("SHOPPER_SPECTRUM_DB", str(build.database))
    segmentation = page(AppTest.from_file(MAIN, default_timeout=60), "segmentation")
    assert "does not tell orders apart" in segmentation.warning[0].value


def test_an_export_with_order_ids_does_not_warn(sample_build):
    assert sample_build.query("select basket_rule, orders_look_indistinct from audit_orders") == [
        ("invoice", False)
    ]
