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

{#- The pre-hook: which units' products differ from the record (or, without a record, start over). -#}
{% macro find_changed_production_units() %}
    {%- if production_pairs_by_changes() -%}
        {%- set counted = production_units_relation('counted') -%}
        create or replace table {{ production_units_relation('changed') }} as
        select distinct
            count_unit,
            unit_id
        from (
            ({{ current_production_units() }} except select count_unit, unit_id, product_key from {{ counted }})
            union all
            (select count_unit, unit_id, product_key from {{ counted }} except {{ current_production_units() }})
        ) as differing_unit_products
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- endif -%}
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
