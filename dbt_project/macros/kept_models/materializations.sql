{#-
  dbt-duckdb's materializations, each keeping its node while the node's inputs are unchanged
  (node_inputs.sql). SQL models and views are built by dbt-duckdb's own materialization. A Python
  model cannot be: dbt runs Python only from a statement the materialization itself calls, so it
  is built here, into a new table swapped in for the old one (the statement is written in both
  the table and the incremental materialization for that reason). A Python incremental model reads its
  own last rows ({{ this }}) and returns every row; its result becomes the table.
-#}

{% materialization table, adapter='duckdb', supported_languages=['sql', 'python'] %}
    {%- set keys = node_inputs_keys() -%}
    {%- if is_kept(keys, this) -%}
        {{ return(report_kept()) }}
    {%- endif -%}
    {%- if model.language == 'python' -%}
        {%- set new_relation = prepare_python_build() -%}
        {% call statement('main', language='python') -%}
            {{- create_table_as(False, new_relation, compiled_code, 'python') }}
        {%- endcall %}
        {%- set built = swap_in_python_result(new_relation) -%}
    {%- else -%}
        {%- set built = dbt.materialization_table_duckdb() -%}
    {%- endif -%}
    {% do record_node_inputs(keys['key']) %}
    {{ return(built) }}
{% endmaterialization %}

{#- As the table materialization: only SQL goes to dbt-duckdb's incremental one. -#}
{% materialization incremental, adapter='duckdb', supported_languages=['sql', 'python'] %}
    {%- set keys = node_inputs_keys() -%}
    {%- if is_kept(keys, this) -%}
        {{ return(report_kept()) }}
    {%- endif -%}
    {%- if model.language == 'python' -%}
        {%- set new_relation = prepare_python_build() -%}
        {% call statement('main', language='python') -%}
            {{- create_table_as(False, new_relation, compiled_code, 'python') }}
        {%- endcall %}
        {%- set built = swap_in_python_result(new_relation) -%}
    {%- else -%}
        {%- set built = dbt.materialization_incremental_duckdb() -%}
    {%- endif -%}
    {% do record_node_inputs(keys['key']) %}
    {{ return(built) }}
{% endmaterialization %}

{% materialization view, adapter='duckdb' %}
    {%- set keys = node_inputs_keys() -%}
    {%- if is_kept(keys, this) -%}
        {{ return(report_kept()) }}
    {%- endif -%}
    {%- set built = dbt.materialization_view_default() -%}
    {% do record_node_inputs(keys['key']) %}
    {{ return(built) }}
{% endmaterialization %}

{#- The relation a Python model's result is written to, and its pre-hooks run. -#}
{% macro prepare_python_build() %}
    {%- set new_relation = make_intermediate_relation(this.incorporate(type='table')) -%}
    {{ drop_relation_if_exists(load_cached_relation(new_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ return(new_relation) }}
{% endmacro %}

{#- The Python model's new table takes the old one's place; then its post-hooks run. -#}
{% macro swap_in_python_result(new_relation) %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
    {% if existing_relation is not none %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(new_relation, target_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}

{#-
  A data test whose inputs are unchanged since it last passed passes again without a query; a
  test that failed or warned runs again. A passing test's key rides on its result to the end of
  the run, where record_passed_tests writes them all at once.
-#}
{% materialization test, adapter='duckdb' %}
    {%- set keys = node_inputs_keys() -%}
    {%- if is_kept(keys, none) -%}
        {% call statement('main', fetch_result=True) -%}
            select 0 as failures, false as should_warn, false as should_error
        {%- endcall %}
        {{ return({'relations': []}) }}
    {%- endif -%}
    {%- set tested = dbt.materialization_test_default() -%}
    {%- set main = load_result('main') -%}
    {%- set outcome = main['table'].rows[0] -%}
    {%- if keys['key'] is not none and outcome['failures'] == 0
        and not outcome['should_warn'] and not outcome['should_error'] -%}
        {% do store_raw_result(
            name='main', message='OK', code='inputs_key=' ~ keys['key'], rows_affected=0,
            agate_table=main['table']
        ) %}
    {%- endif -%}
    {{ return(tested) }}
{% endmaterialization %}
