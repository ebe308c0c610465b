{#-
  Each product's K most co-occurring products per training set and counting unit (K = the
  largest of vars recommendation_neighbours and similar_products_top_n): the neighbourhoods the
  item model regresses each product on and, for fold 0's baskets, the similar products the
  viewer lists. Ranked in the database so that Python reads K rows per product, never every pair.
-#}
{%- set neighbourhoods = shopper_spectrum.var_list('recommendation_neighbours') | map('int') | list -%}
{%- set top_k = (neighbourhoods + [var('similar_products_top_n') | int]) | max -%}
with product_pairs as (

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from {{ ref('int_product_pairs') }}
    where product_key_a != product_key_b

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
    fold,
    count_unit,
    product_key,
    rank,
    neighbour_key,
    co_count
from ranked_neighbours
