"""The SQL layer built on a local Spark session gives the same tables as on DuckDB."""

from __future__ import annotations

import pytest

from shopper_spectrum.frames import to_pandas
from tests.conftest import PROJECT_ROOT
from tests.spark_frames import assert_same_rows

pytestmark = pytest.mark.spark

# Every SQL model, with the columns that order its rows.
SQL_MODELS = {
    "stg_online_retail__invoice_lines": ["raw_line_id"],
    "int_as_of_date": [],
    "int_invoice_lines__dispositioned": ["raw_line_id"],
    "int_rfm_score_segments": ["r_score", "f_score", "m_score"],
    "int_sales_lines": ["raw_line_id"],
    "fct_sales_lines": ["raw_line_id"],
    "audit_source_rows": ["disposition", "disposition_reason"],
    "fct_customer_rfm": ["customer_id"],
    "int_snapshot_dates": ["months_back"],
    "int_customer_rfm_snapshots": ["customer_id", "months_back"],
    "dim_snapshot_dates": ["months_back"],
    "dim_products": ["product_code"],
    "int_product_keys": ["product_key"],
    "int_recommendation_training_sets": ["fold"],
    "int_product_pairs": ["fold", "count_unit", "product_key_a", "product_key_b"],
    "int_item_neighbours": ["fold", "count_unit", "product_key", "rank"],
    "int_product_popularity": ["fold", "product_key"],
    "fct_item_cooccurrence": ["product_code_a", "product_code_b"],
    "product_similarity": ["product_code", "rank"],
    "int_customer_product_history": ["customer_id", "product_code"],
    "int_recommendation_fold_customers": ["fold", "customer_id", "product_key"],
}

# Spark records each file by its absolute path, DuckDB by the path raw_path gave.
ABSOLUTE_PATHS = {f"{PROJECT_ROOT}/": ""}


@pytest.mark.parametrize("model", sorted(SQL_MODELS))
def test_every_sql_model_gives_the_same_rows_on_spark_as_on_duckdb(
    model, sample_build, spark_build, spark
):
    duckdb_rows = sample_build.frame(f"select * from {model}")
    spark_rows = to_pandas(spark.table(f"shopper_spectrum.{model}"))
    assert_same_rows(duckdb_rows, spark_rows, SQL_MODELS[model], ABSOLUTE_PATHS)
