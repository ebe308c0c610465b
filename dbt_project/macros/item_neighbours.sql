{#-
  Each product's K most similar products from a co-occurrence pair relation (one row per pair, as
  item_cooccurrence makes it), ranked in the database so that Python models only ever read K rows
  per product. Pairs seen fewer than var min_cooccurrence times (customers or baskets, as the
  measure counts) are ignored; ties go to more shared customers, then the smaller code. K is the
  larger of vars recommendation_neighbours and similar_products_top_n.
  shopper_spectrum.recommend.similarity.similar_products is the same computation in pandas (the
  tuning script's), and a test holds the two equal.
-#}
{% macro item_neighbours(pairs_relation) %}
{%- set measure = var('similarity_measure') -%}
{%- set counted = 'customers' if measure.startswith('customer') else 'baskets' -%}
{%- set neighbours = [var('recommendation_neighbours') | int, var('similar_products_top_n') | int] | max -%}
with usable_pairs as (

    select
        product_code_a,
        product_code_b,
        customers,
        baskets,
        support,
        confidence_a_to_b,
        confidence_b_to_a,
        lift,
        {{ shopper_spectrum.pair_similarity(measure) }} as similarity
    from {{ pairs_relation }}
    where {{ counted }} >= {{ var('min_cooccurrence') | int }}

),

both_directions as (

    select
        product_code_a as product_code,
        product_code_b as similar_product_code,
        similarity,
        customers as co_customers
    from usable_pairs

    union all

    select
        product_code_b as product_code,
        product_code_a as similar_product_code,
        similarity,
        customers as co_customers
    from usable_pairs

),

candidate_neighbours as (

    select
        product_code,
        similar_product_code,
        similarity,
        co_customers
    from both_directions
    where similarity > 0 and product_code != similar_product_code

),

-- ranked on narrow rows; the pair's other columns are joined back for the K kept per product
ranked_neighbours as (

    {{ shopper_spectrum.rank_neighbours('candidate_neighbours', neighbours) | indent(4) }}

)

select
    ranked_neighbours.product_code,
    ranked_neighbours.similar_product_code,
    ranked_neighbours.rank,
    usable_pairs.similarity,
    usable_pairs.customers as co_customers,
    usable_pairs.baskets as co_baskets,
    usable_pairs.support,
    case
        when ranked_neighbours.product_code = usable_pairs.product_code_a
            then usable_pairs.confidence_a_to_b
        else usable_pairs.confidence_b_to_a
    end as confidence,
    usable_pairs.lift
from ranked_neighbours
inner join usable_pairs
    on
        least(ranked_neighbours.product_code, ranked_neighbours.similar_product_code)
        = usable_pairs.product_code_a
        and greatest(ranked_neighbours.product_code, ranked_neighbours.similar_product_code)
        = usable_pairs.product_code_b
{% endmacro %}

{#- The similarity measure (var similarity_measure) of a co-occurrence pair row. -#}
{% macro pair_similarity(measure) -%}
    {%- set double = shopper_spectrum.type_double() -%}
    {%- if measure == 'customer_jaccard' -%}
        customer_jaccard
    {%- elif measure == 'customer_cosine' -%}
        customers / sqrt(cast(product_a_customers as {{ double }}) * product_b_customers)
    {%- elif measure == 'basket_cosine' -%}
        basket_cosine
    {%- elif measure == 'basket_jaccard' -%}
        cast(baskets as {{ double }}) / (product_a_baskets + product_b_baskets - baskets)
    {%- elif measure == 'lift' -%}
        lift
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var similarity_measure must be one of customer_jaccard, customer_cosine, basket_cosine, "
            ~ "basket_jaccard, lift; not " ~ measure
        ) }}
    {%- endif -%}
{%- endmacro %}
