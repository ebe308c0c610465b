"""`dbt build` on the committed sample: every line audited, cancellations netted, products clean."""

from __future__ import annotations

import csv
import gzip
import re
import shutil
from collections import Counter

import duckdb

from shopper_spectrum.generator import truth_dir
from shopper_spectrum.publish import LOOKUP_ORDER, published_snapshots

from .conftest import SAMPLE_EXPORT, assert_built, run_dbt


def sample_lines() -> int:
    with gzip.open(SAMPLE_EXPORT, "rt", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_audit_accounts_for_every_raw_line(sample_build):
    assert sample_build.scalar("select sum(lines) from audit_source_rows") == sample_lines()
    dispositions = {
        row[0] for row in sample_build.query("select disposition from audit_source_rows")
    }
    assert {
        "purchase",
        "cancellation",
        "guest",
        "non_product",
        "non_positive_price",
        "exact_duplicate",
    } <= dispositions


def test_sales_lines_are_purchases_and_cancellations_of_audited_lines(sample_build):
    audited = sample_build.scalar(
        "select sum(lines) from audit_source_rows where disposition in ('purchase', 'cancellation')"
    )
    assert sample_build.scalar("select count(*) from fct_sales_lines") == audited


def test_a_fully_cancelled_bulk_order_nets_to_zero(sample_build):
    lines, quantity, amount = sample_build.query(
        "select count(*), sum(quantity), sum(amount) from fct_sales_lines where customer_id = '12346'"
    )[0]
    assert lines == 2
    assert quantity == 0
    assert amount == 0


def test_products_are_one_per_upper_case_code_with_the_planted_description(sample_build):
    assert (
        sample_build.scalar(
            "select count(*) from dim_products where product_code != upper(product_code)"
        )
        == 0
    )
    bundle_codes = {
        row["product_code"].upper()
        for row in csv.DictReader((truth_dir(SAMPLE_EXPORT) / "bundles.csv").open())
    }
    known = {row[0] for row in sample_build.query("select product_code from dim_products")}
    assert bundle_codes <= known
    # Title-case variants exist on a few lines, yet the canonical description is the majority one.
    assert (
        sample_build.scalar("select count(*) from dim_products where description_variants > 1")
        > 100
    )
    # The canonical description is each product's most frequent one (ties: the first in order),
    # recounted here in Python from the lines dim_products reads.
    lines = sample_build.query(
        "select product_code, description from int_invoice_lines__dispositioned"
        " where disposition in ('purchase', 'cancellation', 'guest') and unit_price > 0"
        " and description is not null"
    )
    counts: dict[str, Counter] = {}
    for code, description in lines:
        counts.setdefault(code, Counter())[description] += 1
    expected = {code: min(found, key=lambda d: (-found[d], d)) for code, found in counts.items()}
    shown = dict(sample_build.query("select product_code, description from dim_products"))
    assert {code: expected[code] for code in shown} == shown
    upper_case = sum(description == description.upper() for description in shown.values())
    assert upper_case > 0.98 * len(shown)


def test_dbt_build_reports_no_failures_or_warnings(sample_build):
    assert "ERROR=0" in sample_build.output
    assert "WARN=0" in sample_build.output


def test_a_null_in_any_listed_column_fails_the_not_null_test_with_its_row(sample_build, tmp_path):
    not_null = sample_build.compiled_test("fct_customer_rfm", "not_null_columns")
    # The compiled test names the database by its file's stem: the copy keeps the name.
    database = tmp_path / sample_build.database.name
    shutil.copy(sample_build.database, database)
    with duckdb.connect(str(database)) as con:
        assert con.execute(f"select count(*) from ({not_null})").fetchall() == [(0,)]
        customer = con.execute("select min(customer_id) from fct_customer_rfm").fetchall()[0][0]
        con.execute("update fct_customer_rfm set monetary = null where customer_id = ?", [customer])
        failing = con.execute(f"select customer_id, frequency, monetary from ({not_null})")
        assert [(row[0], row[2]) for row in failing.fetchall()] == [(customer, None)]


def test_every_sql_unit_test_passes(sample_build):
    """Unit tests are left out of a plain `dbt build` (selectors.yml) and run here instead."""
    run = assert_built(
        run_dbt(sample_build.database.parent, command="test", select="test_type:unit")
    )
    unit_tests = int(re.search(r"(\d+) unit tests", run.output).group(1))
    assert unit_tests >= 9
    assert len(re.findall(r"\d+ of \d+ PASS ", run.output)) == unit_tests, run.output[-2000:]


def test_the_viewer_snapshot_holds_the_marts_with_customer_tables_in_lookup_order(sample_build):
    (snapshot,) = published_snapshots(sample_build.database)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        con.execute("attach ? as build (read_only)", [str(sample_build.database)])
        for table, order in LOOKUP_ORDER.items():
            differing = con.execute(
                f"select count(*) from ((from main.{table} except all from build.main.{table}) "
                f"union all (from build.main.{table} except all from main.{table}))"
            ).fetchone()[0]
            assert differing == 0, table
            out_of_order = con.execute(
                f"select count(*) from (select ({order}) as key, lag(({order})) over () as previous "
                f"from main.{table}) where key < previous"
            ).fetchone()[0]
            assert out_of_order == 0, table
