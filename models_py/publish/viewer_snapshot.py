"""Publishes the viewer's tables to a new read-only DuckDB file (see shopper_spectrum.publish).

It runs last in `dbt build`, after its parents' tests passed, so a viewer only ever sees a build
that passed its tests.
"""

from shopper_spectrum.publish import publish_snapshot


def model(dbt, session):
    # Each ref orders this model after that table and its tests; the keys are the tables copied.
    published = {
        "audit_source_rows": dbt.ref("audit_source_rows"),
        "audit_orders": dbt.ref("audit_orders"),
        "dim_products": dbt.ref("dim_products"),
        "fct_customer_rfm": dbt.ref("fct_customer_rfm"),
        "customer_segments": dbt.ref("customer_segments"),
        "segment_profiles": dbt.ref("segment_profiles"),
        "segment_model": dbt.ref("segment_model"),
        "segment_k_diagnostics": dbt.ref("segment_k_diagnostics"),
        "product_similarity": dbt.ref("product_similarity"),
        "customer_recommendations": dbt.ref("customer_recommendations"),
        "recommendation_evaluation": dbt.ref("recommendation_evaluation"),
        "recommendation_evaluation_folds": dbt.ref("recommendation_evaluation_folds"),
        "dim_snapshot_dates": dbt.ref("dim_snapshot_dates"),
        "fct_customer_segment_history": dbt.ref("fct_customer_segment_history"),
        "segment_transitions": dbt.ref("segment_transitions"),
    }
    return publish_snapshot(session, schema=dbt.this.schema, tables=list(published))
