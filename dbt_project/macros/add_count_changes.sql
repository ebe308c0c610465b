{#-
  An incremental strategy for counts kept up to date by changes (int_production_pair_counts on
  DuckDB): the model's new rows are the keys (config unique_key) and how much each count changes,
  in `<counted_column>_change`; the strategy adds them to the table's counts. A key new to the
  table is inserted, a count brought to 0 goes.

  The new counts are joined to the table once, carrying the rowid of the row each replaces, and
  those rows go by rowid. The join, the delete and the insert run in the model's one transaction:
  DuckDB keeps a transaction's rowids where they are, where between two transactions a
  checkpoint's vacuum may move them (dbt makes the model's new rows in a transaction of its own,
  so they cannot carry rowids). 721k changes to the 10M-line build's 62M counts, alone: 2.6-3.9 s
  as delete+insert and a scan for counts fallen to 0, 1.5-1.7 s this way.

  New rows without the change column (an incremental build that counted again in full) are
  inserted as they are.
-#}
{% macro get_incremental_add_count_changes_sql(arg_dict) %}
    {%- set target, source = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set counted = config.require('counted_column') -%}
    {%- set columns = keys + [counted] -%}
    {%- set source_columns = adapter.get_columns_in_relation(source) | map(attribute='name') | list -%}
    {%- if counted ~ '_change' not in source_columns %}
    insert into {{ target }} ({{ columns | join(', ') }})
    select {{ columns | join(', ') }}
    from {{ source }}
    {%- else -%}
    {%- set changed_rows = api.Relation.create(identifier=target.identifier ~ '__changed_rows') %}
    create or replace temporary table {{ changed_rows }} as
    select
        {%- for key in keys %}
        changes.{{ key }},
        {%- endfor %}
        coalesce(counted.{{ counted }}, 0) + changes.{{ counted }}_change as {{ counted }},
        counted.rowid as counted_row
    from {{ source }} as changes
    left join {{ target }} as counted
        on {% for key in keys %}changes.{{ key }} = counted.{{ key }}{{ ' and ' if not loop.last }}{% endfor %};

    delete from {{ target }}
    where rowid in (select counted_row from {{ changed_rows }} where counted_row is not null);

    insert into {{ target }} ({{ columns | join(', ') }})
    select {{ columns | join(', ') }}
    from {{ changed_rows }}
    where {{ counted }} != 0;

    drop table {{ changed_rows }}
    {%- endif %}
{% endmacro %}
