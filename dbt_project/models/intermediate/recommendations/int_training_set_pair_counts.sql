{#-
  The Gram matrices each evaluation fold of int_recommendation_training_sets is fitted on, one per
  counting unit: how many purchase baskets, and how many customers, hold each pair of products
  before the fold's cutoff (int_training_set_units says which units hold which products in which
  set). Counted sparsely, by self-joins of (unit, product) rows on integer ids — never a dense
  matrix — each unit in one pass that counts every fold at once. Pairs are stored once
  (product_key_a < product_key_b) and kept when at least var min_cooccurrence units hold both (a
  pair seen once is noise no model uses). Rows with product_key_a = product_key_b hold each
  product's own count. The production set (fold 0) is counted by int_production_pair_counts.

  Rows are stored by the fold's inputs_digest, not its number, and on DuckDB the table grows by
  set: a build computes only the folds whose digest it does not hold (training_sets_to_count) — a
  day's new lines: none; a month's: the new fold — and first deletes the sets no longer current.
  A fold close to the last build's production set (a month's new fold, cut at the month's start)
  is made from the production counts by the units that differ (folds_from_production_counts,
  macros/pair_counts_by_changes.sql), so int_production_pair_counts is built after this model;
  the post-hook inserts those folds' rows straight into the table (dbt's append would write
  them twice, into a temporary table first: at 10M lines 19M rows, 2–3 s).
  Product keys follow first purchases, so a set's keys do not move while its lines are unchanged.
  int_product_pairs numbers the sets by fold.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='append',
    pre_hook=[
        "{{ shopper_spectrum.forget_stale_training_sets(first_fold=1) }}",
        "{{ shopper_spectrum.record_sets_to_write(first_fold=1) }}",
    ],
    post_hook=[
        "{{ shopper_spectrum.insert_folds_from_production_counts() }}",
        "{{ shopper_spectrum.drop_fold_changed_units() }}",
    ]
) }}
{%- set folds = shopper_spectrum.training_sets_to_count(first_fold=1, label='Pair counts', verb='counted') -%}
{%- set from_production = shopper_spectrum.folds_from_production_counts(folds) -%}
{%- set counted_folds = folds | reject('in', from_production) | list -%}
{%- if not counted_folds %}
-- every current fold's counts are held already, or made from the production counts (post-hook)
{{ shopper_spectrum.no_training_set_rows([
    ('inputs_digest', dbt.type_string()),
    ('count_unit', dbt.type_string()),
    ('product_key_a', dbt.type_int()),
    ('product_key_b', dbt.type_int()),
    ('co_count', dbt.type_bigint()),
]) }}
{%- else -%}

{#- int_training_set_units holds customers only when var recommendation_count_units lists them -#}
{%- set count_units = ['basket', 'customer'] -%}
{%- set set_flags, picks = [], [] -%}
{%- for fold in counted_folds -%}
{%- do set_flags.append('in_set_' ~ fold) -%}
{%- do picks.append('when ' ~ fold ~ ' then unit_pairs.units_' ~ fold) -%}
{%- endfor -%}
{%- set unit_counts = set_flags | map('replace', 'in_set_', 'unit_pairs.units_') | list -%}
{%- set most_units = 'greatest(' ~ unit_counts | join(', ') ~ ')' if unit_counts | length > 1 else unit_counts[0] -%}
with training_sets as (

    select
        fold,
        inputs_digest
    from {{ ref('int_recommendation_training_sets') }}
    where fold in ({{ counted_folds | join(', ') }})

),
{%- for count_unit in count_units %}

{{ count_unit }}_products as (

    select
        unit_id,
        product_key,
        {{ set_flags | join(',\n        ') }}
    from {{ ref('int_training_set_units') }}
    where count_unit = '{{ count_unit }}' and ({{ set_flags | join(' or ') }})

),

{{ count_unit }}_pairs as (

    {{ shopper_spectrum.count_pairs_per_training_set(count_unit ~ '_products', counted_folds) | indent(4) }}

),
{%- endfor %}

unit_pairs as (
    {%- for count_unit in count_units %}

    select
        '{{ count_unit }}' as count_unit,
        product_key_a,
        product_key_b,
        {{ set_flags | map('replace', 'in_set_', 'units_') | join(',\n        ') }}
    from {{ count_unit }}_pairs
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

counted_pairs as (

    select
        training_sets.inputs_digest,
        unit_pairs.count_unit,
        unit_pairs.product_key_a,
        unit_pairs.product_key_b,
        case training_sets.fold
            {{ picks | join('\n            ') }}
        end as co_count
    from unit_pairs
    cross join training_sets
    -- most customer pairs are shared by one customer in every set: dropped before the fan-out
    where
        {{ most_units }} >= {{ var('min_cooccurrence') | int }}
        or unit_pairs.product_key_a = unit_pairs.product_key_b

)

select
    inputs_digest,
    count_unit,
    product_key_a,
    product_key_b,
    co_count
from counted_pairs
where {{ shopper_spectrum.is_kept_pair() }}
{%- endif %}
