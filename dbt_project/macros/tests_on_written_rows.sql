{#-
  Data tests of a table that grows by set (int_training_set_pair_counts, int_training_set_neighbours)
  run on the sets this build wrote, not on every set: a set kept from an earlier build was tested
  when it was written and has not changed since. A test opts in with
  `config: {where: "__sets_written_by_this_build__"}`; on DuckDB the placeholder becomes
  "inputs_digest in (the sets the model's pre-hook recorded as about to be written)", elsewhere
  (Spark rebuilds these tables every build) and without a record, every row. The digests are
  read when the test compiles, after its model ran, and written into it: a literal list lets
  DuckDB skip the other sets' row groups, and an empty one every row (a day's fold counts: a
  0.5 s scan of 57M rows against a subquery of no digest).

  Likewise `__lines_written_by_this_build__` on int_invoice_lines__dispositioned: the lines a build
  made by changes writes (macros/dispositioned_lines.sql). Its rows are replaced by raw_line_id
  (delete+insert), so a key repeated after the build is repeated among the lines it wrote.
-#}

{#- Where a model held by set digest records the sets this build writes. -#}
{% macro sets_written_relation(relation) %}
    {{ return(sibling_relation(relation, '__sets_written')) }}
{% endmacro %}

{#-
  The pre-hook (after forget_stale_training_sets): the sets training_sets_to_count found to
  compute, which this build writes (macros/held_by_digest.sql).
-#}
{% macro record_sets_to_write(first_fold) %}
    {%- if target.type != 'duckdb' -%}
        {{ return('') }}
    {%- endif -%}
    create or replace table {{ sets_written_relation(this) }} as
    select current_sets.inputs_digest
    from ({{ current_training_sets(first_fold) }}) as current_sets
    where not current_sets.is_held
{% endmacro %}

{#-
  `where` with `placeholder` replaced by `condition` (the rows the record says this build wrote)
  where the record is there, or by true (every row).
-#}
{% macro where_written(where, placeholder, record, condition) %}
    {%- if placeholder not in where -%}
        {{ return(where) }}
    {%- endif -%}
    {%- set held = target.type == 'duckdb' and execute and load_relation(record) is not none -%}
    {{ return(where | replace(placeholder, condition if held else 'true')) }}
{% endmacro %}

{#- "inputs_digest in (…)" over the digests the record `sets` holds, or false when it holds none. -#}
{% macro sets_written_condition(sets) %}
    {%- if not (execute and target.type == 'duckdb' and load_relation(sets) is not none) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set digests = run_query('select inputs_digest from ' ~ sets ~ ' order by inputs_digest').columns[0].values() -%}
    {%- if not digests -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for digest in digests -%}
        {%- do literals.append("'" ~ digest | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return('inputs_digest in (' ~ literals | join(', ') ~ ')') }}
{% endmacro %}

{#- dbt's own, with the placeholders replaced at run time (most tests have no `where`). -#}
{% macro default__get_where_subquery(relation) -%}
    {%- if not config.get('where') -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set sets = sets_written_relation(relation) -%}
    {%- set lines = lines_written_relation(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if '__sets_written_by_this_build__' in where -%}
        {%- set where = where_written(
            where, '__sets_written_by_this_build__', sets, sets_written_condition(sets)
        ) -%}
    {%- endif -%}
    {%- set where = where_written(
        where, '__lines_written_by_this_build__', lines, is_line_made_again(lines)
    ) -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
{%- endmacro %}
