{#-
  The production set's Gram matrices (fold 0: every purchase before the as-of date), one per
  counting unit: how many baskets, and how many customers (among their recent products), hold each
  pair of products — every pair any unit holds, however rare, so that a later build can add to
  it. int_product_pairs keeps the pairs at least var min_cooccurrence units hold, as for the
  evaluation folds (int_training_set_pair_counts).

  On DuckDB the counts are kept up to date by changes (macros/production_pair_counts.sql): a
  table beside this one records which products each unit held when it was counted, and a build
  counts only the units whose products differ now — a day's new baskets and the customers who
  bought — taking their old pairs away and adding their new ones. Whatever changed (late lines, a
  moved product key, a new history cap) the result equals a count from scratch. When the changed
  units hold half the pairs or more (a shorter customer history; at 10M lines, a month added), the
  same query starts over and counts every unit, which then costs less. A first build,
  `--full-refresh` and Spark count every unit.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='delete+insert',
    unique_key=['count_unit', 'product_key_a', 'product_key_b'],
    pre_hook="{{ shopper_spectrum.find_changed_production_units() }}",
    post_hook="{{ shopper_spectrum.record_counted_production_units() }}"
) }}
{%- set by_changes = shopper_spectrum.production_pairs_by_changes() -%}
{%- if by_changes %}
with production_units as (

    {{ shopper_spectrum.current_production_units() | indent(4) }}

),

changed_units as (

    select
        count_unit,
        unit_id
    from {{ shopper_spectrum.production_units_relation('changed') }}

),

changed_unit_products as (

    -- the changed units' products now
    select
        production_units.count_unit,
        production_units.unit_id,
        production_units.product_key,
        1 as units
    from production_units
    inner join changed_units
        on
            production_units.count_unit = changed_units.count_unit
            and production_units.unit_id = changed_units.unit_id

    union all

    -- and as they were counted
    select
        counted_units.count_unit,
        counted_units.unit_id,
        counted_units.product_key,
        -1 as units
    from {{ shopper_spectrum.production_units_relation('counted') }} as counted_units
    inner join changed_units
        on
            counted_units.count_unit = changed_units.count_unit
            and counted_units.unit_id = changed_units.unit_id

),

pair_changes as (

    select
        product_a.count_unit,
        product_a.product_key as product_key_a,
        product_b.product_key as product_key_b,
        sum(product_a.units) as co_count_change
    from changed_unit_products as product_a
    inner join changed_unit_products as product_b
        on
            product_a.count_unit = product_b.count_unit
            and product_a.unit_id = product_b.unit_id
            and product_a.units = product_b.units
            and product_a.product_key <= product_b.product_key
    group by product_a.count_unit, product_a.product_key, product_b.product_key
    having sum(product_a.units) <> 0

),

production_pairs as (

    -- a pair whose count falls to 0 is written as 0 and then deleted (the post-hook)
    select
        pair_changes.count_unit,
        pair_changes.product_key_a,
        pair_changes.product_key_b,
        coalesce(counted_pairs.co_count, 0) + pair_changes.co_count_change as co_count
    from pair_changes
    left join {{ this }} as counted_pairs
        on
            pair_changes.count_unit = counted_pairs.count_unit
            and pair_changes.product_key_a = counted_pairs.product_key_a
            and pair_changes.product_key_b = counted_pairs.product_key_b

)

select
    count_unit,
    product_key_a,
    product_key_b,
    cast(co_count as {{ dbt.type_bigint() }}) as co_count
from production_pairs
{%- else %}
{{ shopper_spectrum.production_pairs_from_scratch() }}
{%- endif %}
