"""Spark reads every date shape as DuckDB does: both engines' parsers come from one list of
formats (macros/cross_db/parse_export_timestamp.sql), compiled here and run on each engine."""

from __future__ import annotations

import os
import subprocess

import duckdb
import pytest

from .conftest import DBT, PROJECT_ROOT

pytestmark = pytest.mark.spark

SHAPES = [
    ("12/1/10 8:26", None),
    ("12/1/2010 08:26", None),
    ("12/1/2010 8:26:30", None),
    ("11/1/2000", None),
    ("13/01/2011 10:00", "day_first"),
    ("31/12/10", "day_first"),
    ("2011-01-05 13:45:00", None),
    ("2011-01-05T13:45:00", None),
    ("2011-01-05 13:45:00.123456", None),
    ("2011-01-05T13:45:00.123456", None),
    ("2011-01-05 13:45", None),
    ("2011-01-05", None),
    ("2011-01-05 13:45:00+01:00", None),
    ("2011-01-05T13:45:00+01:00", None),
    ("31/31/10 8:00", None),
    ("someday", None),
]


def compiled_parser(macro: str, tmp_path) -> str:
    """The query `select invoice_time, <the macro's parse, as text> from shapes`, rendered by dbt."""
    inline = (
        "select invoice_time, cast({{ shopper_spectrum."
        + macro
        + "('invoice_time', 'date_order') }} as string) as invoiced_at from shapes"
    )
    result = subprocess.run(
        [DBT, "compile", "-q", "--inline", inline, "--target-path", str(tmp_path / macro)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_spark_parses_every_date_shape_as_duckdb_does(spark, tmp_path):
    on_duckdb = duckdb.execute(
        "with shapes(invoice_time, date_order) as (select * from (values "
        + ", ".join(f"('{text}', {repr(order) if order else 'null'})" for text, order in SHAPES)
        + ")) "
        + compiled_parser("default__parse_export_timestamp", tmp_path)
    ).fetchall()
    spark.createDataFrame(SHAPES, "invoice_time string, date_order string").createOrReplaceTempView(
        "shapes"
    )
    on_spark = [
        tuple(row)
        for row in spark.sql(compiled_parser("spark__parse_export_timestamp", tmp_path)).collect()
    ]
    assert dict(on_spark) == dict(on_duckdb)
    parsed = dict(on_duckdb)
    assert parsed["12/1/10 8:26"] == "2010-12-01 08:26:00"
    assert parsed["2011-01-05T13:45:00+01:00"] == "2011-01-05 12:45:00"
    assert parsed["someday"] is None and parsed["31/31/10 8:00"] is None
