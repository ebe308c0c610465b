{#-
  Which training sets a table held by set digest computes in this build (its folds from
  first_fold on: int_training_set_pair_counts the evaluation folds, int_training_set_neighbours
  the production set too). A set is identified by its inputs_digest (int_recommendation_training_sets),
  which changes with any line before the set's end and with the vars that shape its results; a set
  whose digest the table already holds keeps its rows. A fresh build, a full refresh and Spark
  (where the table is rebuilt) compute every fold. The build's log says which, as
  "<label> kept from the last build for folds …; <verb> for folds …".
-#}
{% macro training_sets_to_count(first_fold, label, verb) %}
    {%- set every_fold = range(first_fold, var('evaluation_folds') | int + 1) | list -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(every_fold) }}
    {%- endif -%}
    {%- set held, to_count = [], [] -%}
    {%- for row in run_query(current_training_sets(first_fold) ~ ' order by fold').rows -%}
        {%- do (held if row['is_held'] else to_count).append(row['fold'] | int) -%}
    {%- endfor -%}
    {%- do log(
        label ~ ' kept from the last build for folds ' ~ (held | join(', ') or 'none')
        ~ '; ' ~ verb ~ ' for folds ' ~ (to_count | join(', ') or 'none'),
        info=true
    ) -%}
    {{ return(to_count) }}
{% endmacro %}

{#-
  A select of the current training sets from first_fold on (fold, inputs_digest) and whether the
  table already holds each (is_held: never on a first build or a full refresh).
-#}
{% macro current_training_sets(first_fold) -%}
    {%- if is_incremental() -%}
    {#- distinct first: a set's digest is on each of its millions of rows -#}
    with held as (
        select distinct inputs_digest from {{ this }}
    )

    {% endif -%}
    select
        training_sets.fold,
        training_sets.inputs_digest,
        {{ 'training_sets.inputs_digest in (select held.inputs_digest from held)' if is_incremental() else 'false' }} as is_held
    from {{ ref('int_recommendation_training_sets') }} as training_sets
    where training_sets.fold >= {{ first_fold }}
{%- endmacro %}

{#- The pre-hook: rows of sets that are no longer current (from first_fold on) go before new ones come. -#}
{% macro forget_stale_training_sets(first_fold) %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where inputs_digest not in (
            select training_sets.inputs_digest
            from {{ ref('int_recommendation_training_sets') }} as training_sets
            where training_sets.fold >= {{ first_fold }}
        )
    {%- endif -%}
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
