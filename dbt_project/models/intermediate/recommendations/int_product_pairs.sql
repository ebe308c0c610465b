{#-
  The Gram matrices of the current training sets, numbered by fold: the production set's
  (int_production_pair_counts, which holds every pair) cut at var min_cooccurrence as the
  evaluation folds' are, and the folds' (int_training_set_pair_counts, held by set digest, so that
  a set kept from an earlier build is renumbered here, not recounted, when a new month shifts
  the folds).
-#}
{{ config(materialized='view') }}
with production_pairs as (

    select
        0 as fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from {{ ref('int_production_pair_counts') }}
    where {{ shopper_spectrum.is_kept_pair() }}

),

evaluation_pairs as (

    {{ shopper_spectrum.numbered_by_fold(
        ref('int_training_set_pair_counts'),
        ['count_unit', 'product_key_a', 'product_key_b', 'co_count'],
        first_fold=1
    ) | indent(4) }}

),

training_set_pairs as (

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from production_pairs

    union all

    select
        fold,
        count_unit,
        product_key_a,
        product_key_b,
        co_count
    from evaluation_pairs

)

select
    fold,
    count_unit,
    product_key_a,
    product_key_b,
    co_count
from training_set_pairs
