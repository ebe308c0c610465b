"""The same export as CSV, CSV.gz, Parquet, XLSX or in the Online Retail II layout builds the same marts."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from shopper_spectrum.generator import OWN_LAYOUT_COLUMNS, GeneratorConfig, generate, write_export

from .conftest import assert_built, run_dbt, scratch_directory

MART_FINGERPRINT = """
    select
        (select count(*) from fct_sales_lines),
        (select sum(amount) from fct_sales_lines),
        (select count(distinct customer_id) from fct_sales_lines),
        (select count(*) from dim_products),
        (select string_agg(disposition || ':' || lines, ',' order by disposition, lines)
         from audit_source_rows)
"""


@pytest.fixture(scope="module")
def export_data():
    return generate(GeneratorConfig(lines=3_000, seed=11))


@pytest.fixture(scope="module")
def csv_fingerprint(export_data, tmp_path_factory):
    with scratch_directory(tmp_path_factory, "csv") as workdir:
        path = write_export(export_data, workdir / "data" / "export.csv")
        return assert_built(run_dbt(workdir, path)).query(MART_FINGERPRINT)


@pytest.mark.parametrize(
    ("file_name", "layout"),
    [
        ("export.csv.gz", "online_retail"),
        ("export.parquet", "online_retail_ii"),
        ("export.xlsx", "online_retail_ii"),
        ("export.csv", "online_retail_ii"),
    ],
)
def test_every_format_and_layout_builds_the_same_marts(
    export_data, csv_fingerprint, tmp_path, file_name, layout
):
    path = write_export(export_data, tmp_path / "data" / file_name, layout=layout)
    assert assert_built(run_dbt(tmp_path, path)).query(MART_FINGERPRINT) == csv_fingerprint


def test_overlapping_excel_sheets_are_not_double_counted(export_data, csv_fingerprint, tmp_path):
    """Online Retail II's two yearly sheets share some days: the repeats are audited, not counted."""
    single = write_export(
        export_data, tmp_path / "single" / "export.xlsx", layout="online_retail_ii"
    )
    frame = pd.read_excel(single, dtype=str, engine="calamine")
    overlap = 400
    split = len(frame) // 2
    workbook = tmp_path / "data" / "online_retail_II.xlsx"
    workbook.parent.mkdir()
    with pd.ExcelWriter(workbook) as writer:
        frame.iloc[: split + overlap].to_excel(writer, sheet_name="Year 2009-2010", index=False)
        frame.iloc[split:].to_excel(writer, sheet_name="Year 2010-2011", index=False)

    build = assert_built(run_dbt(tmp_path, workbook))
    assert build.scalar("select sum(lines) from audit_source_rows") == len(frame) + overlap
    # The second sheet's lines that the first already holds: the overlap, and any exact
    # duplicate in the second sheet of a line of the first.
    first_sheet = set(frame.iloc[: split + overlap].itertuples(index=False))
    repeated = sum(row in first_sheet for row in frame.iloc[split:].itertuples(index=False))
    assert repeated >= overlap
    assert (
        build.scalar(
            "select lines from audit_source_rows where disposition = 'overlapping_export_duplicate'"
        )
        == repeated
    )
    example = build.scalar(
        "select example_rows from audit_source_rows where disposition = 'overlapping_export_duplicate'"
    )
    assert "[sheet Year 2010-2011] row 1" in example
    # The marts are the single sheet's: a duplicate of a first-sheet line in the second sheet is
    # audited as overlapping there, where the single sheet audits it as an exact duplicate.
    assert build.query(MART_FINGERPRINT)[0][:4] == csv_fingerprint[0][:4]


def test_an_export_in_its_own_layout_builds_the_same_marts_with_raw_columns(
    export_data, csv_fingerprint, tmp_path
):
    """Renamed and reordered columns, day-first dates and line amounts instead of unit prices."""
    path = write_export(export_data, tmp_path / "data" / "orders.csv", layout="own")
    build = assert_built(run_dbt(tmp_path, path, {"raw_columns": OWN_LAYOUT_COLUMNS}))
    assert build.query(MART_FINGERPRINT) == csv_fingerprint
    assert build.scalar("select date_order from raw.raw_export_files") == "day_first"


def test_a_warehouse_table_builds_the_same_marts_with_raw_relation(
    export_data, csv_fingerprint, tmp_path
):
    """Data already in the warehouse, typed as a warehouse types it, read in place."""
    path = write_export(export_data, tmp_path / "data" / "export.csv")
    with duckdb.connect(str(tmp_path / "build.duckdb")) as warehouse:
        warehouse.execute("create schema sales")
        warehouse.execute(
            "create table sales.orders as select * from read_csv(?, timestampformat = '%m/%d/%y %H:%M')",
            [str(path)],
        )
        assert warehouse.execute(
            "select data_type from information_schema.columns where column_name = 'InvoiceDate'"
        ).fetchone() == ("TIMESTAMP",)
    build = assert_built(run_dbt(tmp_path, extra_vars={"raw_relation": "sales.orders"}))
    assert build.query(MART_FINGERPRINT) == csv_fingerprint
    assert build.scalar("select distinct source_file from raw.raw_invoice_lines") == "sales.orders"
