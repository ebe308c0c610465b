"""Spark reads raw exports itself: the same raw lines as the DuckDB plugin, and clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from shopper_spectrum.generator import (
    NO_ORDER_ID_COLUMNS,
    OWN_LAYOUT_COLUMNS,
    GeneratorConfig,
    generate,
    write_export,
)
from shopper_spectrum.ingest import load_raw_relation, read_raw_exports

from .conftest import DbtBuild, project_load_settings, run_dbt
from .spark_frames import assert_same_rows

pytestmark = pytest.mark.spark


def load_on_spark(workdir: Path, raw_path: Path, extra_vars: dict | None = None) -> DbtBuild:
    """Run only the raw load (the run-start hook) and the staging view on the spark target."""
    return run_dbt(
        workdir,
        raw_path,
        extra_vars,
        command="run",
        target="spark",
        select="stg_online_retail__invoice_lines",
    )


def spark_raw_lines(workdir: Path):
    table = workdir / "spark" / "warehouse" / "raw.db" / "raw_invoice_lines" / "*.parquet"
    return duckdb.sql(f"select * from read_parquet('{table}')").df()


@pytest.mark.parametrize(
    "parts",
    [
        # a CSV glob mixing both UCI layouts, plain and gzipped
        [("part_1.csv", "online_retail"), ("part_2.csv.gz", "online_retail_ii")],
        [("part_1.parquet", "online_retail_ii")],
        # own column names in another order, day-first dates and line amounts (var raw_columns)
        [("part_1.csv", "own")],
        # no order id: staging derives a basket per customer and day (var basket_rule)
        [("part_1.csv", "no_order_id")],
    ],
    ids=["csv-glob-both-layouts", "parquet", "own-layout", "no-order-id"],
)
def test_spark_loads_the_same_raw_lines_as_the_duckdb_plugin(spark_available, tmp_path, parts):
    for seed, (file_name, layout) in enumerate(parts, start=1):
        data = generate(GeneratorConfig(lines=1_500, seed=seed))
        write_export(data, tmp_path / "data" / file_name, layout=layout)
    raw_path = tmp_path / "data" / f"part_*{Path(parts[0][0]).suffix}*"
    raw_columns = {"own": OWN_LAYOUT_COLUMNS, "no_order_id": NO_ORDER_ID_COLUMNS}.get(parts[0][1])

    build = load_on_spark(tmp_path, raw_path, {"raw_columns": raw_columns} if raw_columns else None)

    assert build.returncode == 0, build.output[-4000:]
    from_plugin = read_raw_exports(str(raw_path), project_load_settings(raw_columns)).to_pandas()
    layouts = {"raw_columns" if raw_columns else layout for _, layout in parts}
    assert sorted(set(from_plugin["source_layout"])) == sorted(layouts)
    assert_same_rows(from_plugin, spark_raw_lines(tmp_path), ["raw_line_id"])


def test_spark_load_names_the_file_whose_header_matches_no_layout(spark_available, tmp_path):
    good = write_export(generate(GeneratorConfig(lines=1_000, seed=3)), tmp_path / "data" / "a.csv")
    bad = tmp_path / "data" / "b.csv"
    bad.write_text("Invoice,Item,Qty\n1,2,3\n")

    build = load_on_spark(tmp_path, good.parent / "*.csv")

    assert build.returncode != 0
    assert f"{bad}: unknown layout" in build.output
    assert "Header found: Invoice, Item, Qty" in build.output


def test_spark_load_stops_on_two_shapes_of_date_as_the_plugin_does(spark_available, tmp_path):
    mixed = tmp_path / "data" / "mixed.csv"
    mixed.parent.mkdir(parents=True)
    mixed.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,WHITE HEART,6,12/9/11 8:28,2.55,17850,United Kingdom\n"
        "536366,85123A,WHITE HEART,6,13/12/2011 12:50,2.55,17850,United Kingdom\n"
    )

    build = load_on_spark(tmp_path, mixed)

    assert build.returncode != 0
    assert "mixed.csv: dates come in two shapes: row 2 is day-first" in build.output
    assert "row 1's shape is" in build.output and "raw_date_format" in build.output


def test_spark_reads_a_table_like_the_duckdb_plugin(spark_available, tmp_path):
    """var raw_relation: typed columns (timestamps, doubles, integers) read as the same text."""
    path = write_export(
        generate(GeneratorConfig(lines=1_500, seed=5)),
        tmp_path / "data" / "orders.parquet",
        layout="online_retail_ii",
    )
    build = load_on_spark(tmp_path, None, {"raw_relation": f"parquet.`{path}`"})

    assert build.returncode == 0, build.output[-4000:]
    with duckdb.connect() as connection:
        load_raw_relation(
            connection, f"read_parquet('{path}')", "raw_invoice_lines", project_load_settings()
        )
        from_plugin = connection.sql("from raw_invoice_lines").df()
    assert from_plugin["invoice_time"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$").all()
    assert_same_rows(
        from_plugin.drop(columns="source_file"),
        spark_raw_lines(tmp_path).drop(columns="source_file"),
        ["raw_line_id"],
    )
