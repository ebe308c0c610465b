"""The same export as CSV, CSV.gz, Parquet, XLSX or in the Online Retail II layout builds the same marts."""

from __future__ import annotations

import pandas as pd
import pytest

from shopper_spectrum.generator import GeneratorConfig, generate, write_export

from .conftest import assert_built, run_dbt

MART_FINGERPRINT = """
    select
        (select count(*) from fct_purchase_lines),
        (select sum(amount) from fct_purchase_lines),
        (select count(distinct customer_id) from fct_purchase_lines),
        (select count(*) from dim_products),
        (select string_agg(disposition || ':' || lines, ',' order by disposition, lines)
         from audit_source_rows)
"""


@pytest.fixture(scope="module")
def export_data():
    return generate(GeneratorConfig(lines=3_000, seed=11))


@pytest.fixture(scope="module")
def csv_fingerprint(export_data, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("csv")
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
    assert (
        build.scalar(
            "select lines from audit_source_rows where disposition = 'overlapping_export_duplicate'"
        )
        == overlap
    )
    example = build.scalar(
        "select example_rows from audit_source_rows where disposition = 'overlapping_export_duplicate'"
    )
    assert "[sheet Year 2010-2011] row 1" in example
    fingerprint = build.query(
        MART_FINGERPRINT.replace(
            "from audit_source_rows",
            "from audit_source_rows where disposition != 'overlapping_export_duplicate'",
        )
    )
    assert fingerprint == csv_fingerprint
