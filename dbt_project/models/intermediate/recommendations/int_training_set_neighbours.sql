{#-
  Each product's K most co-occurring products per training set and counting unit (K = the
  largest of vars recommendation_neighbours and similar_products_top_n): the neighbourhoods the
  item model regresses each product on and, for the production set's baskets, the similar
  products the viewer lists. Ranked in the database so that Python reads K rows per product,
  never every pair.

  Stored by the set's inputs_digest, as the pair counts are: on DuckDB a build ranks only the sets
  whose digest the table does not hold (a day's new lines: the production set; a month's: that
  and the new fold) and first deletes the sets no longer current. int_item_neighbours numbers
  them by fold.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='append',
    pre_hook=[
        "{{ shopper_spectrum.forget_stale_training_sets(first_fold=0) }}",
        "{{ shopper_spectrum.record_sets_to_write(first_fold=0) }}",
    ]
) }}
{%- set folds = shopper_spectrum.training_sets_to_count(first_fold=0, label='Neighbours', verb='ranked') -%}
{%- set neighbourhoods = shopper_spectrum.var_list('recommendation_neighbours') | map('int') | list -%}
{%- set top_k = (neighbourhoods + [var('similar_products_top_n') | int]) | max -%}
{%- if not folds %}
-- every current set's neighbours are held already
{{ shopper_spectrum.no_training_set_rows([
    ('inputs_digest', dbt.type_string()),
    ('count_unit', dbt.type_string()),
    ('product_key', dbt.type_int()),
    ('rank', dbt.type_bigint()),
    ('neighbour_key', dbt.type_int()),
    ('co_count', dbt.type_bigint()),
]) }}
{%- else %}
with training_sets as (

    select
        fold,
        inputs_digest
    from {{ ref('int_recommendation_training_sets') }}
    where fold in ({{ folds | join(', ') }})

),

product_pairs as (

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from {{ ref('int_product_pairs') }}
    where product_key_a != product_key_b and fold in ({{ folds | join(', ') }})

),

candidate_neighbours as (

    select
        fold,
        count_unit,
        product_key_a as product_key,
        product_key_b as neighbour_key,
        co_count
    from product_pairs

    union all

    select
        fold,
        count_unit,
        product_key_b as product_key,
        product_key_a as neighbour_key,
        co_count
    from product_pairs

),

ranked_neighbours as (

    {{ shopper_spectrum.rank_neighbours('candidate_neighbours', top_k) | indent(4) }}

)

select
    training_sets.inputs_digest,
    ranked_neighbours.count_unit,
    ranked_neighbours.product_key,
    ranked_neighbours.rank,
    ranked_neighbours.neighbour_key,
    ranked_neighbours.co_count
from ranked_neighbours
inner join training_sets on ranked_neighbours.fold = training_sets.fold
{%- endif %}
