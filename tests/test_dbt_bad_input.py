"""Bad input through `dbt build`: one clear line naming file, row and cause, or audited lines."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import duckdb
import pytest

from .conftest import assert_built, run_dbt

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
GOOD = "536365,85123A,WHITE HEART,6,12/1/10 8:26,2.55,17850,United Kingdom\n"


def export(tmp_path: Path, *lines: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines))
    return path


def assert_fails_in_one_line(build, *expected: str) -> None:
    assert build.returncode != 0
    for text in expected:
        assert text in build.output, build.output[-3000:]
    assert "Traceback" not in build.output


def unparseable_examples(build) -> dict[str, str]:
    """The audit's unparseable lines: each reason and its example rows."""
    return dict(
        build.query(
            "select disposition_reason, example_rows from audit_source_rows where disposition = 'unparseable'"
        )
    )


def test_wrong_path_fails_with_a_pointer_to_the_var(tmp_path):
    build = run_dbt(tmp_path, tmp_path / "nowhere" / "*.csv")
    assert_fails_in_one_line(build, "matches no file", "raw_path")


def test_missing_column_names_the_file_and_the_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID,Country\n1,A,x,1,12/1/10 8:26,1,UK\n"
    )
    assert_fails_in_one_line(
        run_dbt(tmp_path, path), f"{path}: the 'online_retail' layout needs column(s) UnitPrice"
    )


def test_a_header_without_lines_fails_naming_the_file(tmp_path):
    path = export(tmp_path)
    assert_fails_in_one_line(
        run_dbt(tmp_path, path), f"{path}: the header is there but there are no lines"
    )


def test_unparseable_values_are_audited_with_their_rows_and_warned_about(tmp_path):
    path = export(
        tmp_path,
        GOOD,
        "536366,22633,HAND WARMER,six,12/1/10 8:28,1.85,17850,United Kingdom\n",
        "536367,22632,HAND WARMER,6,2010-13-45 8:28,1.85,17850,United Kingdom\n",
        "536368,22631,HAND WARMER,6,12/1/10 8:28,£1.85,17850,United Kingdom\n",
        "536369,22630,HAND WARMER,99999999999999999999,12/1/10 8:28,1.85,17850,United Kingdom\n",
    )
    build = assert_built(run_dbt(tmp_path, path))
    # One warning for the unparseable lines, one for a build too small to segment (one customer).
    assert "WARN=2" in build.output
    assert "warn_on_unparseable_lines" in build.output
    assert "warn_on_too_few_customers_to_segment" in build.output
    rows = unparseable_examples(build)
    assert rows == {
        "quantity is not a number": f"{path} row 2",
        "invoice time is not a recognised date": f"{path} row 3",
        "unit price is not a number or out of range": f"{path} row 4",
        "quantity is out of range": f"{path} row 5",
    }
    assert build.scalar("select sum(lines) from audit_source_rows") == 5
    assert build.scalar("select count(*) from fct_sales_lines") == 1


def test_rows_with_too_few_or_too_many_fields_are_audited_not_dropped(tmp_path):
    path = export(
        tmp_path,
        GOOD,
        "536366,22633,HAND WARMER,6,12/1/10 8:28,1.85,17850\n",
        "536367,22632,HAND WARMER,6,12/1/10 8:28,1.85,17850,United Kingdom,extra\n",
        "536368,22631,HAND WARMER,6,12/1/10 8:28,1.85,17851,United Kingdom\n",
    )
    build = assert_built(run_dbt(tmp_path, path))
    rows = unparseable_examples(build)
    assert rows == {
        "the row has 7 fields, the header 8": f"{path} row 2",
        "the row has 9 fields, the header 8": f"{path} row 3",
    }
    assert build.scalar("select sum(lines) from audit_source_rows") == 4
    # The good lines around them are read as they are.
    assert build.query("select customer_id from fct_sales_lines order by 1") == [
        ("17850",),
        ("17851",),
    ]


def test_a_quote_never_closed_fails_naming_the_file(tmp_path):
    path = export(
        tmp_path, GOOD, '536366,22633,"HAND WARMER,6,12/1/10 8:28,1.85,17850,United Kingdom\n', GOOD
    )
    assert_fails_in_one_line(
        run_dbt(tmp_path, path),
        f"{path}: row 2: a quoted value opened in column Description is never closed",
    )


def test_a_truncated_gzip_fails_naming_the_file_and_the_likely_cause(tmp_path):
    packed = gzip.compress((HEADER + GOOD * 2000).encode())
    path = tmp_path / "export.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    assert_fails_in_one_line(run_dbt(tmp_path, path), str(path), "gzip stream ends too early")


def test_day_first_dates_are_read_day_first_when_the_file_proves_it(tmp_path):
    path = export(
        tmp_path,
        "536365,85123A,WHITE HEART,6,2/1/11 8:26,2.55,17850,United Kingdom\n",
        "536366,85123A,WHITE HEART,6,31/12/10 9:00,2.55,17850,United Kingdom\n",
    )
    build = assert_built(run_dbt(tmp_path, path))
    assert build.query(
        "select strftime(invoiced_at, '%Y-%m-%d %H:%M') from fct_sales_lines order by 1"
    ) == [("2010-12-31 09:00",), ("2011-01-02 08:26",)]
    assert build.scalar("select date_order from raw.raw_export_files") == "day_first"


def test_a_file_mixing_day_first_and_month_first_dates_fails(tmp_path):
    path = export(
        tmp_path,
        "536365,85123A,WHITE HEART,6,12/31/10 8:26,2.55,17850,United Kingdom\n",
        "536366,85123A,WHITE HEART,6,31/12/10 9:00,2.55,17850,United Kingdom\n",
    )
    assert_fails_in_one_line(
        run_dbt(tmp_path, path),
        f"{path}: dates are day-first on some rows (row 2: 31/12/10 9:00)",
        "raw_date_format",
    )


def test_two_shapes_of_date_fail_in_one_line_and_read_with_a_format_per_shape(tmp_path):
    """Short-year month-first lines beside long-year day-first ones: never all read day-first."""
    path = export(
        tmp_path,
        "536365,85123A,WHITE HEART,6,12/9/11 8:28,2.55,17850,United Kingdom\n",
        "536366,85123A,WHITE HEART,6,13/12/2011 12:50,2.55,17850,United Kingdom\n",
    )
    assert_fails_in_one_line(
        run_dbt(tmp_path, path),
        f"{path}: dates come in two shapes: row 2 (13/12/2011 12:50) is day-first, but nothing "
        "shows which way round row 1's shape (12/9/11 8:28) is",
        "raw_date_format",
    )
    formats = ["%m/%d/%y %H:%M", "%d/%m/%Y %H:%M"]
    build = assert_built(run_dbt(tmp_path, path, {"raw_date_format": formats}))
    assert build.query(
        "select strftime(invoiced_at, '%Y-%m-%d %H:%M') from fct_sales_lines order by 1"
    ) == [("2011-12-09 08:28",), ("2011-12-13 12:50",)]


def test_an_explicit_date_format_reads_every_date_that_way(tmp_path):
    path = export(tmp_path, "536365,85123A,WHITE HEART,6,01.02.2011 08:26,2.55,17850,UK\n")
    build = assert_built(run_dbt(tmp_path, path, {"raw_date_format": "%d.%m.%Y %H:%M"}))
    assert build.scalar("select strftime(invoiced_at, '%Y-%m-%d') from fct_sales_lines") == (
        "2011-02-01"
    )


def test_future_dated_lines_are_audited_and_warned_about(tmp_path):
    path = export(
        tmp_path,
        GOOD,
        "536366,22633,HAND WARMER,6,12/2/10 8:28,1.85,17851,United Kingdom\n",
        "536367,22632,HAND WARMER,6,1/1/2099 8:28,1.85,17852,United Kingdom\n",
    )
    build = assert_built(run_dbt(tmp_path, path))
    assert "warn_on_future_dated_lines" in build.output
    disposition, example = build.query(
        "select disposition, example_rows from audit_source_rows where example_rows like '%row 3'"
    )[0]
    assert (disposition, example) == ("future_dated", f"{path} row 3")
    # The as-of date follows the last believable invoice, not the one dated 2099.
    assert build.scalar("select count(*) from fct_sales_lines") == 2
    assert str(build.scalar("select max(as_of_date) from fct_customer_rfm")) == "2010-12-03"


def test_build_date_reproduces_an_earlier_days_build(tmp_path):
    path = export(
        tmp_path,
        GOOD,
        "536366,22633,HAND WARMER,6,12/2/10 8:28,1.85,17851,United Kingdom\n",
        "536367,22632,HAND WARMER,6,12/3/10 8:28,1.85,17852,United Kingdom\n",
    )
    build = assert_built(run_dbt(tmp_path, path, {"build_date": "2010-12-02"}))
    # As on 2 December 2010: the line of the 3rd is dated after the build's day, and the as-of
    # date is the build's day itself, so the line of the 2nd is after it.
    assert dict(
        build.query("select source_row_number, disposition from int_invoice_lines__dispositioned")
    ) == {1: "purchase", 2: "after_as_of_date", 3: "future_dated"}
    assert build.query("select as_of_date, build_date from int_as_of_date") == [
        (date(2010, 12, 2), date(2010, 12, 2))
    ]


@pytest.mark.parametrize("name", ["build_date", "as_of_date"])
def test_a_date_var_that_is_not_a_day_fails_naming_the_var(tmp_path, name):
    build = run_dbt(tmp_path, export(tmp_path, GOOD), {name: "1/12/2010"})
    assert_fails_in_one_line(build, f"var {name} must be a day written YYYY-MM-DD", "'1/12/2010'")


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_exports_in_other_encodings_are_read_with_raw_encoding(tmp_path, encoding):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + GOOD.replace("WHITE HEART", "CRÈME CAFÉ MUG"), encoding=encoding)
    build = assert_built(run_dbt(tmp_path, path, {"raw_encoding": encoding}))
    assert build.scalar("select description from dim_products") == "CRÈME CAFÉ MUG"


def test_a_line_that_is_not_text_in_the_encoding_is_audited_with_a_hint(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        (HEADER + GOOD).encode() + GOOD.replace("WHITE HEART", "CAFÉ").encode("latin-1")
    )
    build = assert_built(run_dbt(tmp_path, path))
    reason = build.scalar(
        "select disposition_reason from audit_source_rows where disposition = 'unparseable'"
    )
    assert reason.startswith("the row is not utf-8 text (set the dbt var raw_encoding")
    assert build.scalar("select sum(lines) from audit_source_rows") == 2


def test_a_database_open_elsewhere_fails_in_one_line(tmp_path):
    path = export(tmp_path, GOOD)
    tmp_path.mkdir(exist_ok=True)
    with duckdb.connect(str(tmp_path / "build.duckdb")):
        build = run_dbt(tmp_path, path)
    assert_fails_in_one_line(build, "is open in another process", "Close that connection")
    assert len(build.output.strip().splitlines()) < 20


def test_a_database_file_name_with_a_dash_builds(tmp_path):
    path = export(tmp_path, GOOD)
    build = assert_built(run_dbt(tmp_path, path, database_name="shop-2011.duckdb"))
    assert build.database.name == "shop-2011.duckdb"
    assert build.scalar("select count(*) from fct_sales_lines") == 1
