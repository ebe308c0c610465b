{#-
  The customers each evaluation fold scores, numbered by fold: int_training_set_customers holds
  them by set digest, so that a fold kept from an earlier build is renumbered here, not chosen
  again, when a new month shifts the folds.
-#}
{{ config(materialized='view') }}
{{ shopper_spectrum.numbered_by_fold(
    ref('int_training_set_customers'),
    ['customer_id', 'product_key', 'last_purchased_at', 'is_truth'],
    first_fold=1
) }}
