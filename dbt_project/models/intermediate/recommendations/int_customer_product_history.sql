{#-
  What each customer has bought: one row per customer and product, with the first and last
  purchase times. The recommender weighs the last (its time decay); the evaluation finds the
  products that were new to a customer from the first.

  On DuckDB a daily run merges only its new purchases into the rows it holds, while the earlier
  purchase lines and product keys are unchanged; otherwise every row is made again
  (macros/customer_product_history.sql).
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='delete+insert',
    unique_key=['customer_id', 'product_code'],
    pre_hook="{{ shopper_spectrum.start_customer_product_history_over_if_moved() }}",
    post_hook="{{ shopper_spectrum.record_customer_product_history_inputs() }}"
) }}
{%- if shopper_spectrum.is_made_by_changes() %}
{{ shopper_spectrum.customer_product_history(
    after_line_id='select through_line_id from ' ~ shopper_spectrum.made_from_record()
) }}
{%- else %}
{{ shopper_spectrum.customer_product_history() }}
{%- endif %}
