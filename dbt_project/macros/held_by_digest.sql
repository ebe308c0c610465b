{#-
  Tables held by set digest: each row carries the inputs_digest of the set it belongs to (a
  training set, int_recommendation_training_sets; a snapshot date, int_snapshot_dates), which
  changes with any line the set is made from and with the vars that shape it. A set whose digest
  the table already holds keeps its rows; a build computes only the others, after deleting the
  sets no longer current. A fresh build, a full refresh and Spark (where the table is rebuilt)
  compute every set. `sets` is a select of the current sets: set_id (what the log names) and
  inputs_digest.
-#}

{#-
  The set_ids of `sets` this build computes, in order; none for every set. The build's log says
  which, as "<label> kept from the last build for <sets_name> …; <verb> for <sets_name> …".
-#}
{% macro sets_to_make(sets, label, verb, sets_name) %}
    {#- a unit test renders the model with no relation of its own -#}
    {%- if not (execute and this is not none and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set held, to_make = [], [] -%}
    {%- for row in run_query(current_sets(sets) ~ ' order by set_id').rows -%}
        {%- do (held if row['is_held'] else to_make).append(row['set_id']) -%}
    {%- endfor -%}
    {%- do log(
        label ~ ' kept from the last build for ' ~ sets_name ~ ' ' ~ (held | join(', ') or 'none')
        ~ '; ' ~ verb ~ ' for ' ~ sets_name ~ ' ' ~ (to_make | join(', ') or 'none'),
        info=true
    ) -%}
    {{ return(to_make) }}
{% endmacro %}

{#- A select of `sets` (set_id, inputs_digest) and whether the table already holds each (is_held). -#}
{% macro current_sets(sets) -%}
    {%- if is_incremental() -%}
    {#- distinct first: a set's digest is on each of its many rows -#}
    with held as (
        select distinct inputs_digest from {{ this }}
    )

    {% endif -%}
    select
        current_sets.set_id,
        current_sets.inputs_digest,
        {{ 'current_sets.inputs_digest in (select held.inputs_digest from held)' if is_incremental() else 'false' }} as is_held
    from ({{ sets }}) as current_sets
{%- endmacro %}

{#- The pre-hook: rows of sets that are no longer current go before new ones come. -#}
{% macro forget_stale_sets(sets) %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where inputs_digest not in (select current_sets.inputs_digest from ({{ sets }}) as current_sets)
    {%- endif -%}
{% endmacro %}

{#- The training sets from first_fold on (int_training_set_pair_counts the evaluation folds, int_training_set_neighbours the production set too). -#}
{% macro training_sets_from(first_fold) -%}
    select
        fold as set_id,
        inputs_digest
    from {{ ref('int_recommendation_training_sets') }}
    where fold >= {{ first_fold }}
{%- endmacro %}

{#-
  Per set of `sets` (a CTE of the model, keyed by `set_key`), the count and fingerprint sum of
  the sales lines before `until` (an SQL date over `sets`), summed from int_sales_line_days: a
  set without lines before it has no row.
-#}
{% macro lines_before(sets, set_key, until) -%}
    select
        sets.{{ set_key }},
        sum(line_days.lines) as lines,
        sum(line_days.line_hash_sum) as line_hash_sum
    from {{ sets }} as sets
    inner join {{ ref('int_sales_line_days') }} as line_days
        on {{ until }} > line_days.invoice_date
    group by sets.{{ set_key }}
{%- endmacro %}

{#-
  A set's inputs_digest from its date (an SQL date), the count and fingerprint sum of the sales
  lines before it (summed from int_sales_line_days; null for none) and, if any, the settings that
  shape it (a string), joined by ':'.
-#}
{% macro lines_digest(date, lines, line_hash_sum, settings=none) -%}
    {%- set parts = [
        'cast(' ~ date ~ ' as ' ~ dbt.type_string() ~ ')',
        "':'",
        'cast(coalesce(' ~ lines ~ ', 0) as ' ~ dbt.type_string() ~ ')',
        "':'",
        'cast(coalesce(' ~ line_hash_sum ~ ', 0) as ' ~ dbt.type_string() ~ ')',
    ] -%}
    {%- if settings is not none -%}
        {%- do parts.append("':" ~ settings ~ "'") -%}
    {%- endif -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- The customer snapshots' dates (int_customer_rfm_at_dates). -#}
{% macro snapshot_date_sets() -%}
    select
        as_of_date as set_id,
        inputs_digest
    from {{ ref('int_snapshot_dates') }}
{%- endmacro %}

{#- The folds from first_fold on this build computes. -#}
{% macro training_sets_to_count(first_fold, label, verb) %}
    {%- set folds = sets_to_make(training_sets_from(first_fold), label, verb, 'folds') -%}
    {%- if folds is none -%}
        {{ return(range(first_fold, var('evaluation_folds') | int + 1) | list) }}
    {%- endif -%}
    {{ return(folds | map('int') | list) }}
{% endmacro %}

{#- The current training sets from first_fold on and whether the table already holds each. -#}
{% macro current_training_sets(first_fold) -%}
    {{ current_sets(training_sets_from(first_fold)) }}
{%- endmacro %}

{#- The pre-hook of a table held by training set. -#}
{% macro forget_stale_training_sets(first_fold) %}
    {{ return(forget_stale_sets(training_sets_from(first_fold))) }}
{% endmacro %}

{#-
  A table held by set digest, numbered by fold: fold and `columns` of each current set's rows
  from first_fold on. A set kept from an earlier build is renumbered here when a new month
  shifts the folds, never computed again.
-#}
{% macro numbered_by_fold(relation, columns, first_fold) -%}
select
    training_sets.fold,
    {%- for column in columns %}
    held_sets.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ relation }} as held_sets
inner join {{ ref('int_recommendation_training_sets') }} as training_sets
    on held_sets.inputs_digest = training_sets.inputs_digest
where training_sets.fold >= {{ first_fold }}
{%- endmacro %}

{#- No rows, with the columns and types of `typed_columns` (name, type pairs): a build that computes no set. -#}
{% macro no_training_set_rows(typed_columns) -%}
select
    {%- for column, type in typed_columns %}
    cast(null as {{ type }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
where false
{%- endmacro %}
