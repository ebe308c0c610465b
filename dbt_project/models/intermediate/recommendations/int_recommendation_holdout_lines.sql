{#-
  The temporal holdout the recommendation evaluation uses: valid purchase lines (known customer,
  not a cancellation, quantity and price > 0, product code) split at the last invoice date minus
  30 days; lines before it train, lines on or after it test. Above var evaluation_max_customers
  customers, the holdout keeps a fixed pseudo-random sample of them (ordered by md5 of the id, the
  same on every engine): training co-occurrence costs the square of each customer's products.
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

ranked_customers as (

    select
        customer_id,
        row_number() over (order by md5(customer_id), customer_id) as sample_rank
    from (select distinct customer_id from valid_purchase_lines) as customers

),

sampled_customers as (

    select customer_id
    from ranked_customers
    where sample_rank <= {{ var('evaluation_max_customers') | int }}

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
inner join sampled_customers on valid_purchase_lines.customer_id = sampled_customers.customer_id
cross join holdout_split
