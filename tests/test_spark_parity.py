"""`dbt build --target spark` builds every model the DuckDB build has (but the viewer snapshot), and
each gives the same rows on Spark as on DuckDB: ids, segments, ranks and codes exactly, floats to
1e-9 relative."""

from __future__ import annotations

import duckdb
import pytest

from shopper_spectrum.frames import to_pandas
from tests.conftest import PROJECT_ROOT, REAL_SLICE, assert_built, run_dbt
from tests.spark_frames import assert_same_rows

pytestmark = pytest.mark.spark

# Every model, with the columns that order its rows.
MODELS = {
    "stg_online_retail__invoice_lines": ["raw_line_id"],
    "int_as_of_date": [],
    "int_invoice_lines__duplicates_flagged": ["raw_line_id"],
    "int_invoice_lines__dispositioned": ["raw_line_id"],
    "int_rfm_score_segments": ["r_score", "f_score", "m_score"],
    "int_sales_lines": ["raw_line_id"],
    "int_sales_line_days": ["invoice_date"],
    "fct_sales_lines": ["raw_line_id"],
    "audit_source_rows": ["disposition", "disposition_reason"],
    "audit_orders": [],
    "fct_customer_rfm": ["customer_id"],
    "int_snapshot_dates": ["months_back"],
    "int_customer_rfm_at_dates": ["as_of_date", "customer_id"],
    "int_customer_rfm_snapshots": ["customer_id", "months_back"],
    "dim_snapshot_dates": ["months_back"],
    "dim_products": ["product_code"],
    "int_product_keys": ["product_key"],
    "int_product_counts": ["fold", "count_unit", "product_key"],
    "int_recommendation_training_sets": ["fold"],
    "int_training_set_units": ["count_unit", "unit_id", "product_key"],
    "int_training_set_pair_counts": ["count_unit", "product_key_a", "product_key_b", "co_count"],
    "int_production_pair_counts": ["count_unit", "product_key_a", "product_key_b"],
    "int_product_pairs": ["fold", "count_unit", "product_key_a", "product_key_b"],
    "int_training_set_neighbours": [
        "count_unit",
        "product_key",
        "rank",
        "neighbour_key",
        "co_count",
    ],
    "int_item_neighbours": ["fold", "count_unit", "product_key", "rank"],
    "int_item_neighbourhood_pairs": ["fold", "count_unit", "product_key_a", "product_key_b"],
    "int_product_popularity": ["fold", "product_key"],
    "fct_item_cooccurrence": ["product_code_a", "product_code_b"],
    "product_similarity": ["product_code", "rank"],
    "int_customer_product_history": ["customer_id", "product_code"],
    "int_training_set_customers": ["customer_id", "product_key", "is_truth", "last_purchased_at"],
    "int_recommendation_fold_customers": ["fold", "customer_id", "product_key"],
    "segment_model": ["cluster_id"],
    "segment_k_diagnostics": ["k"],
    "customer_segments": ["customer_id"],
    "segment_profiles": ["segment"],
    "fct_customer_segment_history": ["customer_id", "months_back"],
    "segment_transitions": [
        "segmentation",
        "from_months_back",
        "to_months_back",
        "from_segment",
        "to_segment",
    ],
    "recommendation_evaluation_folds": ["candidate", "fold"],
    "recommendation_evaluation": ["candidate"],
    "item_model": ["product_key", "neighbour_key"],
    "customer_recommendations": ["customer_id", "rank"],
}

# Spark records each file by its absolute path, DuckDB by the path raw_path gave.
ABSOLUTE_PATHS = {f"{PROJECT_ROOT}/": ""}
# Hashes that only say whether something changed between builds: each engine has its own function.
ENGINE_HASHES = ["copy_fingerprint", "inputs_digest", "line_hash_sum"]


def built_models(build) -> set[str]:
    """The models a build's manifest has enabled: what `dbt ls --resource-type model` lists."""
    manifest = build.manifest()
    return {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "model"}


def test_both_targets_have_every_model_but_the_viewer_snapshot(sample_build, spark_build):
    on_duckdb, on_spark = built_models(sample_build), built_models(spark_build)
    assert on_duckdb - on_spark == {"viewer_snapshot"}
    assert on_spark == set(MODELS)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_model_gives_the_same_rows_on_spark_as_on_duckdb(
    model, sample_build, spark_build, spark
):
    duckdb_rows = sample_build.frame(f"select * from {model}")
    spark_rows = to_pandas(spark.table(f"shopper_spectrum.{model}"))
    duckdb_rows, spark_rows = (
        rows.drop(columns=ENGINE_HASHES, errors="ignore") for rows in (duckdb_rows, spark_rows)
    )
    assert len(duckdb_rows) > 0
    assert_same_rows(duckdb_rows, spark_rows, MODELS[model], ABSOLUTE_PATHS)


# The marts a stakeholder or analyst reads, compared on the real UCI slice.
REAL_MARTS = [
    "customer_segments",
    "segment_model",
    "fct_customer_segment_history",
    "segment_transitions",
    "item_model",
    "customer_recommendations",
    "recommendation_evaluation",
    "product_similarity",
    "audit_source_rows",
]


@pytest.mark.real_data
def test_the_real_export_gives_the_same_marts_on_spark(spark_available, real_build, tmp_path):
    spark_real = assert_built(run_dbt(tmp_path, REAL_SLICE, target="spark"))
    warehouse = spark_real.database.parent / "spark" / "warehouse" / "shopper_spectrum.db"
    for mart in REAL_MARTS:
        # Spark's tables are Parquet folders: read here without a second Spark session.
        spark_rows = duckdb.sql(f"select * from read_parquet('{warehouse / mart}/*.parquet')").df()
        assert_same_rows(real_build.frame(f"select * from {mart}"), spark_rows, MODELS[mart])
