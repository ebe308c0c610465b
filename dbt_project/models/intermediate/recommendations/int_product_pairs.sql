{#-
  The Gram matrices of the current training sets, numbered by fold: int_training_set_pair_counts
  holds them by set digest, so that a set kept from an earlier build is renumbered here, not
  recounted, when a new month shifts the folds.
-#}
{{ config(materialized='view') }}
select
    training_sets.fold,
    set_pairs.count_unit,
    set_pairs.product_key_a,
    set_pairs.product_key_b,
    set_pairs.co_count
from {{ ref('int_training_set_pair_counts') }} as set_pairs
inner join {{ ref('int_recommendation_training_sets') }} as training_sets
    on set_pairs.inputs_digest = training_sets.inputs_digest
