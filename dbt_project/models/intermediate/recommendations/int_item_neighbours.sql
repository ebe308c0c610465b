{#-
  Each product's K most co-occurring products per training set and counting unit, numbered by
  fold: int_training_set_neighbours holds them by set digest, so that a set kept from an earlier
  build is renumbered here, not ranked again, when a new month shifts the folds.
-#}
{{ config(materialized='view') }}
select
    training_sets.fold,
    set_neighbours.count_unit,
    set_neighbours.product_key,
    set_neighbours.rank,
    set_neighbours.neighbour_key,
    set_neighbours.co_count
from {{ ref('int_training_set_neighbours') }} as set_neighbours
inner join {{ ref('int_recommendation_training_sets') }} as training_sets
    on set_neighbours.inputs_digest = training_sets.inputs_digest
