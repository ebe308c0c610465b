{#-
  Each product's K most co-occurring products (K = the larger of vars recommendation_neighbours
  and similar_products_top_n), per training set: the neighbourhood the item model regresses
  each product on, and, for fold 0, the similar products the viewer lists. Ranked in the
  database so that Python reads K rows per product, never every pair.
-#}
{%- set top_k = [var('recommendation_neighbours') | int, var('similar_products_top_n') | int] | max -%}
with product_pairs as (

    select
        fold,
        product_key_a,
        product_key_b,
        baskets
    from {{ ref('int_product_pairs') }}
    where product_key_a != product_key_b

),

candidate_neighbours as (

    select
        fold,
        product_key_a as product_key,
        product_key_b as neighbour_key,
        baskets as co_baskets
    from product_pairs

    union all

    select
        fold,
        product_key_b as product_key,
        product_key_a as neighbour_key,
        baskets as co_baskets
    from product_pairs

),

ranked_neighbours as (

    {{ shopper_spectrum.rank_neighbours('candidate_neighbours', top_k) | indent(4) }}

)

select
    fold,
    product_key,
    rank,
    neighbour_key,
    co_baskets
from ranked_neighbours
