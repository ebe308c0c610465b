{#-
  "Frequently bought together": every pair of products that at least var min_cooccurrence
  baskets (invoices) hold, over all purchases before the as-of date, with the statistics
  analysts use. The counts are the item model's Gram matrix (int_product_pairs, fold 0).
-#}
{%- set double = shopper_spectrum.type_double() -%}
with product_baskets as (

    select
        product_key,
        product_code,
        units as baskets
    from {{ ref('int_product_counts') }}
    where fold = 0 and count_unit = 'basket'

),

training_baskets as (

    select training_baskets as total_baskets
    from {{ ref('int_recommendation_training_sets') }}
    where fold = 0

),

pair_counts as (

    select
        product_x.product_code as product_code_x,
        product_y.product_code as product_code_y,
        production_pairs.co_count as baskets,
        product_x.baskets as product_x_baskets,
        product_y.baskets as product_y_baskets,
        training_baskets.total_baskets
    from {{ ref('int_product_pairs') }} as production_pairs
    inner join product_baskets as product_x on production_pairs.product_key_a = product_x.product_key
    inner join product_baskets as product_y on production_pairs.product_key_b = product_y.product_key
    cross join training_baskets
    where
        production_pairs.fold = 0
        and production_pairs.count_unit = 'basket'
        and production_pairs.product_key_a < production_pairs.product_key_b

),

-- keys follow first purchases; analysts read a pair in code order
pairs_in_code_order as (

    select
        least(product_code_x, product_code_y) as product_code_a,
        greatest(product_code_x, product_code_y) as product_code_b,
        baskets,
        case when product_code_x < product_code_y then product_x_baskets else product_y_baskets end
            as product_a_baskets,
        case when product_code_x < product_code_y then product_y_baskets else product_x_baskets end
            as product_b_baskets,
        total_baskets
    from pair_counts

)

select
    product_code_a,
    product_code_b,
    baskets,
    product_a_baskets,
    product_b_baskets,
    total_baskets,
    cast(baskets as {{ double }}) / total_baskets as support,
    cast(baskets as {{ double }}) / product_a_baskets as confidence_a_to_b,
    cast(baskets as {{ double }}) / product_b_baskets as confidence_b_to_a,
    cast(baskets as {{ double }}) * total_baskets / (product_a_baskets * product_b_baskets) as lift,
    cast(baskets as {{ double }}) / (product_a_baskets + product_b_baskets - baskets) as jaccard,
    baskets / sqrt(cast(product_a_baskets as {{ double }}) * product_b_baskets) as cosine
from pairs_in_code_order
