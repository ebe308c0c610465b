{#-
  Which evaluation folds int_training_set_pair_counts counts in this build. A set is identified by
  its inputs_digest (int_recommendation_training_sets), which changes with any line before the
  set's end and with the vars that shape its counts; a set whose digest the table already holds
  keeps its rows. A fresh build, a full refresh and Spark (where the table is rebuilt) count every
  fold. The production set is int_production_pair_counts'.
-#}
{% macro training_sets_to_count() %}
    {%- set every_fold = range(1, var('evaluation_folds') | int + 1) | list -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(every_fold) }}
    {%- endif -%}
    {#- distinct first: a set's digest is on each of its millions of rows -#}
    {%- set held_sets -%}
        with held as (
            select distinct inputs_digest from {{ this }}
        )
        select
            training_sets.fold,
            training_sets.inputs_digest in (select held.inputs_digest from held) as is_held
        from {{ ref('int_recommendation_training_sets') }} as training_sets
        where training_sets.fold > 0
        order by training_sets.fold
    {%- endset -%}
    {%- set held, to_count = [], [] -%}
    {%- for row in run_query(held_sets).rows -%}
        {%- do (held if row['is_held'] else to_count).append(row['fold'] | int) -%}
    {%- endfor -%}
    {%- do log(
        'Pair counts kept from the last build for folds ' ~ (held | join(', ') or 'none')
        ~ '; counted for folds ' ~ (to_count | join(', ') or 'none'),
        info=true
    ) -%}
    {{ return(to_count) }}
{% endmacro %}

{#- The pre-hook: rows of sets that are no longer a current evaluation fold go before new ones come. -#}
{% macro forget_stale_training_sets() %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where inputs_digest not in (
            select training_sets.inputs_digest
            from {{ ref('int_recommendation_training_sets') }} as training_sets
            where training_sets.fold > 0
        )
    {%- endif -%}
{% endmacro %}
