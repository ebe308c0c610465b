{#-
  Each product's K most co-occurring products per training set and counting unit, numbered by
  fold: int_training_set_neighbours holds them by set digest, so that a set kept from an earlier
  build is renumbered here, not ranked again, when a new month shifts the folds.
-#}
{{ config(materialized='view') }}
{{ shopper_spectrum.numbered_by_fold(
    ref('int_training_set_neighbours'),
    ['count_unit', 'product_key', 'rank', 'neighbour_key', 'co_count'],
    first_fold=0
) }}
