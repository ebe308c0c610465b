"""Bad input through `dbt build`: a clear error naming file and column, or audited unparseable lines."""

from __future__ import annotations

from .conftest import assert_built, run_dbt

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
GOOD = "536365,85123A,WHITE HEART,6,12/1/10 8:26,2.55,17850,United Kingdom\n"


def test_wrong_path_fails_with_a_pointer_to_the_var(tmp_path):
    build = run_dbt(tmp_path, tmp_path / "nowhere" / "*.csv")
    assert build.returncode != 0
    assert "matches no file" in build.output
    assert "raw_path" in build.output
    assert "Traceback" not in build.output


def test_missing_column_names_the_file_and_the_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID,Country\n1,A,x,1,12/1/10 8:26,1,UK\n"
    )
    build = run_dbt(tmp_path, path)
    assert build.returncode != 0
    assert f"{path}: the 'online_retail' layout needs column(s) UnitPrice" in build.output
    assert "Traceback" not in build.output


def test_empty_file_fails_naming_the_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(HEADER)
    build = run_dbt(tmp_path, path)
    assert build.returncode != 0
    assert f"{path}: the header is there but the file has no lines" in build.output


def test_unparseable_values_are_audited_with_their_rows_and_warned_about(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        HEADER
        + GOOD
        + "536366,22633,HAND WARMER,six,12/1/10 8:28,1.85,17850,United Kingdom\n"
        + "536367,22632,HAND WARMER,6,31/12/10 8:28,1.85,17850,United Kingdom\n"
        + "536368,22631,HAND WARMER,6,12/1/10 8:28,£1.85,17850,United Kingdom\n"
    )
    build = assert_built(run_dbt(tmp_path, path))
    # One warning for the unparseable lines, one for a build too small to segment (one customer).
    assert "WARN=2" in build.output
    assert "warn_on_unparseable_lines" in build.output
    assert "warn_on_too_few_customers_to_segment" in build.output
    rows = dict(
        build.query(
            "select disposition_reason, example_rows from audit_source_rows where disposition = 'unparseable'"
        )
    )
    assert rows == {
        "Quantity is not a number": f"{path} row 2",
        "InvoiceDate is not a recognised date": f"{path} row 3",
        "UnitPrice is not a number": f"{path} row 4",
    }
    assert build.scalar("select sum(lines) from audit_source_rows") == 4
    assert build.scalar("select count(*) from fct_purchase_lines") == 1
