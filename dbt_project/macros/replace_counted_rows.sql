{#-
  An incremental strategy for a table brought up to date by changes (int_production_pair_counts
  on DuckDB): each new row names, in `counted_row`, the rowid of the row it replaces (null for a
  new key), so the old rows go by their rowids, and the new rows the model's config
  `kept_rows_condition` keeps take their place. delete+insert found the old rows by a semi-join
  on the key, reading and hashing the keys of all the table's rows; the model's query has already
  joined the table on the key once. A day added to 10M lines, alone: 1.20 s against 0.30 s.

  The rowids are read and used in one transaction (the model's), so no checkpoint moves them in
  between. New rows without `counted_row` (the table counted again in full) are only inserted.
-#}
{% macro get_incremental_replace_counted_rows_sql(arg_dict) %}
    {%- set target, source = arg_dict['target_relation'], arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set source_columns = adapter.get_columns_in_relation(source) | map(attribute='name') | list -%}
    {%- if 'counted_row' in source_columns %}
    delete from {{ target }}
    where rowid in (select counted_row from {{ source }} where counted_row is not null);
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
    where {{ config.get('kept_rows_condition', 'true') }}
{% endmacro %}
