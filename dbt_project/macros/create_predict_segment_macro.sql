{#-
  Creates the SQL macro predict_segment(recency_days, frequency, monetary) in the database, so an
  analyst (and the viewer) can segment any R/F/M triple: `select predict_segment(30, 5, 1200.0)`.
  It reads segment_model (unqualified, so it works whatever the database file is called) and picks
  the nearest centroid by segment_squared_distance, ties to the lower cluster id — the assignment
  fct_customer_segment_history makes. Null when frequency or net spend is not positive (such
  customers are not segmented). DuckDB only: Spark's SQL functions cannot order a correlated
  subquery, so on Spark the post-hook does nothing (segment with customer_segments' arithmetic).
-#}
{% macro create_predict_segment_macro() %}
    {{- return(adapter.dispatch('create_predict_segment_macro', 'shopper_spectrum')()) -}}
{% endmacro %}

{% macro default__create_predict_segment_macro() %}
{% endmacro %}

{% macro duckdb__create_predict_segment_macro() %}
create or replace macro predict_segment(recency_days, frequency, monetary) as (
    case
        when {{ shopper_spectrum.is_segmentable('frequency', 'monetary') }} and recency_days >= 0 then (
            select segment_model.segment
            from segment_model
            order by
                {{ shopper_spectrum.segment_squared_distance(
                    'recency_days', 'frequency', 'monetary', 'segment_model'
                ) }},
                segment_model.cluster_id
            limit 1
        )
    end
)
{% endmacro %}
