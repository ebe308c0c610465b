{#-
  For each product, the top-N (var similar_products_top_n) products most often in the same
  basket — never the product itself: rank 1 has the highest confidence (share of this product's
  baskets that also hold it). Ranked this way because, on the rolling-origin folds, it predicts
  what a customer buys next after a product better than Jaccard, cosine, lift or the learned
  weights (docs/recommendation_tuning.md).
-#}
with top_neighbours as (

    select
        product_key,
        rank,
        neighbour_key
    from {{ ref('int_item_neighbours') }}
    where fold = 0 and count_unit = 'basket' and rank <= {{ var('similar_products_top_n') | int }}

),

coded_neighbours as (

    select
        products.product_code,
        top_neighbours.rank,
        neighbours.product_code as similar_product_code
    from top_neighbours
    inner join {{ ref('int_product_keys') }} as products
        on top_neighbours.product_key = products.product_key
    inner join {{ ref('int_product_keys') }} as neighbours
        on top_neighbours.neighbour_key = neighbours.product_key

)

select
    coded_neighbours.product_code,
    coded_neighbours.rank,
    coded_neighbours.similar_product_code,
    pairs.baskets as co_baskets,
    case
        when coded_neighbours.product_code = pairs.product_code_a then pairs.confidence_a_to_b
        else pairs.confidence_b_to_a
    end as confidence,
    pairs.support,
    pairs.lift,
    pairs.jaccard
from coded_neighbours
inner join {{ ref('fct_item_cooccurrence') }} as pairs
    on
        least(coded_neighbours.product_code, coded_neighbours.similar_product_code) = pairs.product_code_a
        and greatest(coded_neighbours.product_code, coded_neighbours.similar_product_code) = pairs.product_code_b
