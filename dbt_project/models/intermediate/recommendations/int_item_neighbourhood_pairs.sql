{#-
  The Gram entries an item model's fit reads: each product's own count, and the count of every
  two products that share a neighbourhood (int_item_neighbours, every rank). A fit looks up
  nothing else, and a pair it does not find counts 0 either way, so the item model and the
  evaluation read these rows (at 10M lines 0.2–0.35M per Gram) rather than
  int_product_pairs' ~16M, and fit the same weights.
-#}
{{ config(materialized='view') }}
with neighbourhood_members as (

    select
        fold,
        count_unit,
        product_key,
        neighbour_key as member_key
    from {{ ref('int_item_neighbours') }}

),

member_pairs as (

    select distinct
        first_members.fold,
        first_members.count_unit,
        first_members.member_key as product_key_a,
        second_members.member_key as product_key_b
    from neighbourhood_members as first_members
    inner join neighbourhood_members as second_members
        on
            first_members.fold = second_members.fold
            and first_members.count_unit = second_members.count_unit
            and first_members.product_key = second_members.product_key
            and first_members.member_key < second_members.member_key

),

member_pair_counts as (

    select
        pairs.fold,
        pairs.count_unit,
        pairs.product_key_a,
        pairs.product_key_b,
        pairs.co_count
    from {{ ref('int_product_pairs') }} as pairs
    inner join member_pairs
        on
            pairs.fold = member_pairs.fold
            and pairs.count_unit = member_pairs.count_unit
            and pairs.product_key_a = member_pairs.product_key_a
            and pairs.product_key_b = member_pairs.product_key_b

),

own_counts as (

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from {{ ref('int_product_pairs') }}
    where product_key_a = product_key_b

),

read_pairs as (

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from member_pair_counts

    union all

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from own_counts

)

select
    fold,
    count_unit,
    product_key_a,
    product_key_b,
    co_count
from read_pairs
