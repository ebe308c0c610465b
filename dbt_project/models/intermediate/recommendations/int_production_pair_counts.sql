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

current_changed_units as (

    select
        production_units.count_unit,
        production_units.unit_id,
        production_units.product_key
    from production_units
    inner join changed_units
        on
            production_units.count_unit = changed_units.count_unit
            and production_units.unit_id = changed_units.unit_id

),

counted_changed_units as (

    select
        counted_units.count_unit,
        counted_units.unit_id,
        counted_units.product_key
    from {{ shopper_spectrum.production_units_relation('counted') }} as counted_units
    inner join changed_units
        on
            counted_units.count_unit = changed_units.count_unit
            and counted_units.unit_id = changed_units.unit_id

),

product_changes as (

    -- each changed unit's products: added (1), taken away (-1) or held before and now (0)
    select
        coalesce(now_held.count_unit, counted.count_unit) as count_unit,
        coalesce(now_held.unit_id, counted.unit_id) as unit_id,
        coalesce(now_held.product_key, counted.product_key) as product_key,
        case when counted.product_key is null then 1 when now_held.product_key is null then -1 else 0 end
            as change
    from current_changed_units as now_held
    full outer join counted_changed_units as counted
        on
            now_held.count_unit = counted.count_unit
            and now_held.unit_id = counted.unit_id
            and now_held.product_key = counted.product_key

),

pair_changes as (

    -- a pair a unit holds now and not before counts 1, before and not now -1: the pairs of an
    -- added or taken-away product with the unit's other products on the same side, so a
    -- customer who bought one new product adds their ~100 pairs with it, not their ~5,000
    select
        changed.count_unit,
        least(changed.product_key, other.product_key) as product_key_a,
        greatest(changed.product_key, other.product_key) as product_key_b,
        sum(changed.change) as co_count_change
    from product_changes as changed
    inner join product_changes as other
        on
            changed.count_unit = other.count_unit
            and changed.unit_id = other.unit_id
            -- the other product held on the same side (never an added with a taken-away one);
            -- two changed products once (the smaller first), each product with itself once
            and (other.change = 0 or (other.change = changed.change and changed.product_key <= other.product_key))
    where changed.change != 0
    group by
        changed.count_unit,
        least(changed.product_key, other.product_key),
        greatest(changed.product_key, other.product_key)
    having sum(changed.change) != 0

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
