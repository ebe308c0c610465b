{#-
  incremental_strategy 'replace': the model's result becomes the whole table. For an incremental
  model that reads its own last rows ({{ this }}) to keep what is still valid, and returns every
  row (recommendation_evaluation_folds); --full-refresh builds it without them.
-#}
{% macro get_incremental_replace_sql(arg_dict) %}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ arg_dict['target_relation'] }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}
