{#-
  Incremental models made by changes (int_training_set_units, int_invoice_lines__dispositioned).
  Beside the model, on DuckDB, a table (<model>__made_from) records one row of what its rows were
  made from: the model's inputs macro gives it, with the settings that shape every row and a
  count and digest of the input rows up to a bound (the last line made). While the inputs up to
  the record's bound are as recorded, rows past it change only their own part of the table, which
  the model makes again (delete+insert on its key). Otherwise the pre-hook makes the whole table
  again, as a first build does, and moves the record, so that the model has nothing left to make.
-#}

{#- The record of what the model's rows were made from. -#}
{% macro made_from_record() %}
    {{ return(sibling_relation(this, '__made_from')) }}
{% endmacro %}

{#- Made by changes: an incremental build on DuckDB with its record. -#}
{% macro is_made_by_changes() %}
    {#- a unit test renders the model with no relation of its own -#}
    {%- if not (execute and this is not none and is_incremental() and target.type == 'duckdb') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set record = made_from_record() -%}
    {{ return(load_relation(record) is not none) }}
{% endmacro %}

{#-
  The pre-hook. inputs(record) is the model's inputs macro (record: none for every input row, or
  the record, for the rows up to its bound); checks are (column, what it says) pairs compared
  with the record; made_in_full is the model's whole query. When only the `settings` check
  moved, settings_moved(held_settings, recorded_settings), if given, may bring the table and its
  record in line with the new settings: it returns {'sql': statements, 'changes': what they
  make again}, or none to make the whole table again. The log says
  "<label>: made by changes (<what changes>)" or "<label>: made in full (the … changed)".
-#}
{% macro start_over_unless_inputs_held(label, inputs, checks, made_in_full, changes, settings_moved=none) %}
    {%- if not (execute and is_incremental() and target.type == 'duckdb') -%}
        {{ return('') }}
    {%- endif -%}
    {%- if not is_made_by_changes() -%}
        {%- do log(label ~ ': made in full (no record of what it was made from)', info=true) -%}
        {{ return('delete from ' ~ this) }}
    {%- endif -%}
    {%- set record = made_from_record() -%}
    {%- set compare -%}
        select
            {%- for column, _ in checks %}
            held_now.{{ column }} is not distinct from recorded.{{ column }} as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
            {%- if settings_moved is not none %},
            held_now.settings as held_settings,
            recorded.settings as recorded_settings
            {%- endif %}
        from ({{ inputs(record) }}) as held_now
        cross join {{ record }} as recorded
    {%- endset -%}
    {%- set found = run_query(compare).rows[0] -%}
    {%- set moved, moved_columns = [], [] -%}
    {%- for column, what in checks if not found[column] -%}
        {%- do moved.append(what) -%}
        {%- do moved_columns.append(column) -%}
    {%- endfor -%}
    {%- if not moved -%}
        {%- do log(label ~ ': made by changes (' ~ changes ~ ')', info=true) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if settings_moved is not none and moved_columns == ['settings'] -%}
        {%- set moved_by_changes = settings_moved(found['held_settings'], found['recorded_settings']) -%}
        {%- if moved_by_changes -%}
            {%- do log(label ~ ': made by changes (' ~ moved_by_changes['changes'] ~ ')', info=true) -%}
            {{ return(moved_by_changes['sql']) }}
        {%- endif -%}
    {%- endif -%}
    {%- do log(label ~ ': made in full (the ' ~ moved | join(', ') ~ ' changed)', info=true) -%}
    create or replace table {{ this }} as {{ made_in_full }};
    {{ record_inputs(inputs) }}
{% endmacro %}

{#- The post-hook: the record says what the model's rows are made from now. -#}
{% macro record_inputs(inputs) %}
    {%- if target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    create or replace table {{ made_from_record() }} as {{ inputs() }}
{% endmacro %}
