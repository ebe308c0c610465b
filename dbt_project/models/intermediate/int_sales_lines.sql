{{ config(materialized="view") }}

{#-
  The sales lines every customer and product model builds on: product purchases by known
  customers, and their cancellations as negative lines, so that summing amount nets
  cancellations out. The marts and the recommender read this model, not each other.
-#}
select
    raw_line_id,
    invoice_id,
    customer_id,
    product_code,
    invoiced_at,
    cast(invoiced_at as date) as invoice_date,
    cast({{ dbt.date_trunc('month', 'invoiced_at') }} as date) as invoice_month,
    quantity,
    unit_price,
    amount,
    country,
    is_cancellation
from {{ ref('int_invoice_lines__dispositioned') }}
where is_sales_line
