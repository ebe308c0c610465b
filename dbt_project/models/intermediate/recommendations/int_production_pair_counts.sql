{#-
  The production set's Gram matrices (fold 0: every purchase before the as-of date), one per
  counting unit: how many baskets, and how many customers (among their recent products), hold each
  pair of products — every pair any unit holds, however rare, so that a later build can add to
  it. int_product_pairs keeps the pairs at least var min_cooccurrence units hold, as for the
  evaluation folds (int_training_set_pair_counts).

  On DuckDB the counts are kept up to date by changes (macros/production_pair_counts.sql): a
  table beside this one records which products each unit held when it was counted, and a build
  counts only the units whose products differ now — a day's new baskets and the customers who
  bought — and of those only the pairs of a product added or taken away: a customer who bought
  one new product adds its ~100 pairs with their recent products, not all their ~5,000. Whatever
  changed (late lines, a moved product key, a new history cap) the result equals a count from
  scratch. When the changes weigh 15 % of a count from scratch or more (a shorter customer
  history; at 10M lines, a month added), the pre-hook counts every unit instead. A first build,
  `--full-refresh` and Spark count every unit.
-#}
-- built after the evaluation folds' counts, which may be made from this table's last counts:
-- depends_on: {{ ref('int_training_set_pair_counts') }}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='add_count_changes',
    unique_key=['count_unit', 'product_key_a', 'product_key_b'],
    counted_column='co_count',
    pre_hook="{{ shopper_spectrum.find_changed_production_units() }}",
    post_hook="{{ shopper_spectrum.record_counted_production_units() }}"
) }}
{%- set by_changes = shopper_spectrum.production_pairs_by_changes() -%}
{%- if by_changes %}
-- how each changed pair's count changes, which the strategy adds to the table's counts
-- (macros/add_count_changes.sql)
with pair_changes as (

    {{ shopper_spectrum.pair_count_changes(
        0,
        shopper_spectrum.production_pair_counts_relation('__counted_units'),
        shopper_spectrum.production_pair_counts_relation('__changed_units'),
    ) | indent(4) }}

)

select
    count_unit,
    product_key_a,
    product_key_b,
    cast(co_count_change as {{ dbt.type_bigint() }}) as co_count_change
from pair_changes
{%- else %}
{{ shopper_spectrum.production_pairs_from_scratch() }}
{%- endif %}
