{#-
  The temporal holdout the recommendation evaluation uses: valid purchase lines (known customer,
  not a cancellation, quantity and price > 0, product code) split at the last invoice date minus
  30 days; lines before it train, lines on or after it test.
-#}
with valid_purchase_lines as (

    select
        customer_id,
        invoice_id,
        product_code,
        invoiced_at
    from {{ ref('fct_purchase_lines') }}
    where not is_cancellation

),

holdout_split as (

    select cast({{ dbt.dateadd('day', -30, 'max(cast(invoiced_at as date))') }} as date) as split_date
    from valid_purchase_lines

)

select
    valid_purchase_lines.customer_id,
    valid_purchase_lines.invoice_id,
    valid_purchase_lines.product_code,
    valid_purchase_lines.invoiced_at,
    holdout_split.split_date,
    valid_purchase_lines.invoiced_at < holdout_split.split_date as is_training
from valid_purchase_lines
cross join holdout_split
