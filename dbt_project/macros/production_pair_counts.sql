{#-
  How int_production_pair_counts keeps its counts up to date by changes. Beside the table, on
  DuckDB, a second table (<model>__counted_units) holds the products each unit held when the
  counts were last made; a build compares it with int_training_set_units' production set, counts
  only the units that differ (<model>__changed_units, for the build's length), and then records
  what it counted. Hooks run inside the model's transaction, so the counts and the record of what
  they count change together or not at all.
-#}

{#- The record of counted units ('counted'), or this build's changed units ('changed'). -#}
{% macro production_units_relation(kind) %}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__' ~ kind ~ '_units'
    )) }}
{% endmacro %}

{#- Counted by changes: an incremental build on DuckDB with its record of counted units. -#}
{% macro production_pairs_by_changes() %}
    {%- if not (execute and is_incremental() and target.type == 'duckdb') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set counted = production_units_relation('counted') -%}
    {{ return(adapter.get_relation(
        database=counted.database, schema=counted.schema, identifier=counted.identifier
    ) is not none) }}
{% endmacro %}

{#- One row per production unit and product, as int_training_set_units holds them now. -#}
{% macro current_production_units() -%}
    select count_unit, unit_id, product_key
    from {{ ref('int_training_set_units') }}
    where in_set_0
{%- endmacro %}

{#- Every pair of the production set, counted from its units (a first build, or starting over). -#}
{% macro production_pairs_from_scratch() -%}
with
{%- for count_unit in ['basket', 'customer'] %}
{{ count_unit }}_products as (
    select
        unit_id,
        product_key,
        true as in_set_0
    from {{ ref('int_training_set_units') }}
    where in_set_0 and count_unit = '{{ count_unit }}'
),

{{ count_unit }}_pairs as (
    {{ count_pairs_per_training_set(count_unit ~ '_products', [0]) | indent(4) }}
){{ ',' if not loop.last }}
{%- endfor %}

{%- for count_unit in ['basket', 'customer'] %}
select
    '{{ count_unit }}' as count_unit,
    product_key_a,
    product_key_b,
    cast(units_0 as {{ dbt.type_bigint() }}) as co_count
from {{ count_unit }}_pairs
{%- if not loop.last %}
union all
{% endif %}
{%- endfor %}
{%- endmacro %}

{#-
  The pre-hook: which units' products differ from the record. A count from scratch joins each
  unit's n products with themselves (n(n+1)/2 rows); by changes, each added or taken-away product
  joins the unit's kept products and the others changed its way. A row changed costs about four
  times a row counted from scratch (at 10M lines a month added weighed 36 % and took 34 s by
  changes, against 24 s from scratch; a day weighed 1 % and took 3.6 s), so once the changes
  weigh 15 % of a count from scratch, the pre-hook counts from scratch itself and leaves the
  model no unit to change.
-#}
{% macro find_changed_production_units() %}
    {%- if not production_pairs_by_changes() -%}
        {%- if execute -%}
            {%- do log('Production pair counts: counted in full', info=true) -%}
        {%- endif -%}
        {#- an incremental build without its record (removed by hand) starts over -#}
        {{ return('delete from ' ~ this if is_incremental() else '') }}
    {%- endif -%}
    {%- set counted = production_units_relation('counted') -%}
    {%- set changed = production_units_relation('changed') -%}
    {%- set find_changed -%}
        create or replace table {{ changed }} as
        select distinct
            count_unit,
            unit_id
        from (
            ({{ current_production_units() }} except select count_unit, unit_id, product_key from {{ counted }})
            union all
            (select count_unit, unit_id, product_key from {{ counted }} except {{ current_production_units() }})
        ) as differing_unit_products
    {%- endset -%}
    {%- do run_query(find_changed) -%}
    {%- set weigh -%}
        with current_sizes as (
            select count_unit, unit_id, count(*) as products
            from ({{ current_production_units() }}) as current_units
            group by count_unit, unit_id
        ),

        changed_unit_products as (
            select current_units.count_unit, current_units.unit_id, current_units.product_key
            from ({{ current_production_units() }}) as current_units
            inner join {{ changed }} as changed_units
                on current_units.count_unit = changed_units.count_unit and current_units.unit_id = changed_units.unit_id
        ),

        counted_unit_products as (
            select counted_units.count_unit, counted_units.unit_id, counted_units.product_key
            from {{ counted }} as counted_units
            inner join {{ changed }} as changed_units
                on counted_units.count_unit = changed_units.count_unit and counted_units.unit_id = changed_units.unit_id
        ),

        changed_sizes as (
            select
                count(case when counted.product_key is null then 1 end) as added,
                count(case when now_held.product_key is null then 1 end) as taken_away,
                count(case when now_held.product_key = counted.product_key then 1 end) as kept
            from changed_unit_products as now_held
            full outer join counted_unit_products as counted
                on now_held.count_unit = counted.count_unit
                and now_held.unit_id = counted.unit_id
                and now_held.product_key = counted.product_key
            group by coalesce(now_held.count_unit, counted.count_unit), coalesce(now_held.unit_id, counted.unit_id)
        )

        select
            (select count(*) from {{ changed }}) as changed_units,
            (select count(*) from current_sizes) as units,
            coalesce((
                select sum(added * kept + added * (added + 1) / 2 + taken_away * kept + taken_away * (taken_away + 1) / 2)
                from changed_sizes
            ), 0) as changed_weight,
            coalesce((select sum(products * (products + 1) / 2) from current_sizes), 0) as full_weight
    {%- endset -%}
    {%- set weights = run_query(weigh).rows[0] -%}
    {%- set share = (weights['changed_weight'] / weights['full_weight']) if weights['full_weight'] else 1 -%}
    {%- if share < 0.15 -%}
        {%- do log(
            'Production pair counts: counted for the ' ~ weights['changed_units'] ~ ' of ' ~ weights['units']
            ~ ' units whose products changed (' ~ '%.1f' | format(100 * share) ~ ' % of a count from scratch)',
            info=true
        ) -%}
        {{ return('') }}
    {%- endif -%}
    {%- do log(
        'Production pair counts: counted in full (the changed units weigh '
        ~ '%.0f' | format(100 * share) ~ ' % of a count from scratch)',
        info=true
    ) -%}
    delete from {{ this }};
    insert into {{ this }} (count_unit, product_key_a, product_key_b, co_count)
    {{ production_pairs_from_scratch() }};
    delete from {{ counted }};
    insert into {{ counted }} {{ current_production_units() }};
    delete from {{ changed }}
{% endmacro %}

{#- The post-hook: pairs counted down to 0 go, and the record says what the counts now count. -#}
{% macro record_counted_production_units() %}
    {%- if target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set counted = production_units_relation('counted') -%}
    {%- set changed = production_units_relation('changed') -%}
    {%- if production_pairs_by_changes() -%}
        delete from {{ this }} where co_count = 0;
        delete from {{ counted }}
        where (count_unit, unit_id) in (select count_unit, unit_id from {{ changed }});
        insert into {{ counted }}
        select current_units.count_unit, current_units.unit_id, current_units.product_key
        from ({{ current_production_units() }}) as current_units
        where (current_units.count_unit, current_units.unit_id) in (select count_unit, unit_id from {{ changed }});
        drop table {{ changed }}
    {%- else -%}
        create or replace table {{ counted }} as {{ current_production_units() }}
    {%- endif -%}
{% endmacro %}
