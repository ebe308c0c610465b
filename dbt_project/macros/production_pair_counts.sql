{#-
  How int_production_pair_counts keeps its counts up to date by changes. Beside the table, on
  DuckDB, a second table (<model>__counted_units) holds the products each unit held when the
  counts were last made; a build compares it with int_training_set_units' production set, counts
  only the units that differ (<model>__changed_units, for the build's length), and then records
  what it counted. Hooks run inside the model's transaction, so the counts and the record of what
  they count change together or not at all.
-#}

{#-
  int_production_pair_counts' table (suffix ''), its record of counted units ('__counted_units')
  or this build's changed units ('__changed_units'); int_training_set_pair_counts reads the first
  two to make a new fold's counts.
-#}
{% macro production_pair_counts_relation(suffix='') %}
    {%- set node = graph.nodes.get('model.shopper_spectrum.int_production_pair_counts') if execute else none -%}
    {%- if node is none -%}
        {#- parsing: the graph is not there yet, nor is the name used -#}
        {{ return(api.Relation.create(identifier='int_production_pair_counts' ~ suffix)) }}
    {%- endif -%}
    {{ return(sibling_relation(api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias
    ), suffix)) }}
{% endmacro %}

{#- Whether the production counts and their record of counted units are there to be brought up to date. -#}
{% macro production_pair_counts_recorded() %}
    {%- for suffix in ['', '__counted_units'] -%}
        {%- if load_relation(production_pair_counts_relation(suffix)) is none -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{% endmacro %}

{#- Counted by changes: an incremental build on DuckDB with its record of counted units. -#}
{% macro production_pairs_by_changes() %}
    {{ return(execute and is_incremental() and target.type == 'duckdb' and production_pair_counts_recorded()) }}
{% endmacro %}

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
  The pre-hook: which units' products differ from the record, and what their changes weigh. Once
  they weigh pair_change_share_limit() of a count from scratch (macros/pair_counts_by_changes.sql),
  the pre-hook counts from scratch itself and leaves the model no unit to change.
-#}
{% macro find_changed_production_units() %}
    {%- if not production_pairs_by_changes() -%}
        {%- if execute -%}
            {%- do log('Production pair counts: counted in full', info=true) -%}
        {%- endif -%}
        {#- an incremental build without its record (removed by hand) starts over -#}
        {{ return('delete from ' ~ this if is_incremental() else '') }}
    {%- endif -%}
    {%- set counted = production_pair_counts_relation('__counted_units') -%}
    {%- set changed = production_pair_counts_relation('__changed_units') -%}
    {%- set weights = find_changed_units(0, counted, changed) -%}
    {%- if weights['share'] < pair_change_share_limit() -%}
        {%- do log(
            'Production pair counts: counted for the ' ~ weights['changed_units'] ~ ' of ' ~ weights['units']
            ~ ' units whose products changed (' ~ '%.1f' | format(100 * weights['share']) ~ ' % of a count from scratch)',
            info=true
        ) -%}
        {{ return('') }}
    {%- endif -%}
    {%- do log(
        'Production pair counts: counted in full (the changed units weigh '
        ~ '%.0f' | format(100 * weights['share']) ~ ' % of a count from scratch)',
        info=true
    ) -%}
    delete from {{ this }};
    insert into {{ this }} (count_unit, product_key_a, product_key_b, co_count)
    {{ production_pairs_from_scratch() }};
    delete from {{ counted }};
    insert into {{ counted }} {{ training_set_unit_products(0) }};
    delete from {{ changed }}
{% endmacro %}

{#- The post-hook: the record says what the counts now count. -#}
{% macro record_counted_production_units() %}
    {%- if target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set counted = production_pair_counts_relation('__counted_units') -%}
    {%- set changed = production_pair_counts_relation('__changed_units') -%}
    {%- if production_pairs_by_changes() -%}
        delete from {{ counted }}
        where (count_unit, unit_id) in (select count_unit, unit_id from {{ changed }});
        insert into {{ counted }}
        select current_units.count_unit, current_units.unit_id, current_units.product_key
        from ({{ training_set_unit_products(0) }}) as current_units
        where (current_units.count_unit, current_units.unit_id) in (select count_unit, unit_id from {{ changed }});
        drop table {{ changed }}
    {%- else -%}
        create or replace table {{ counted }} as {{ training_set_unit_products(0) }}
    {%- endif -%}
{% endmacro %}
