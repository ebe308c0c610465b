{{ config(materialized="view") }}

{#-
  The cleaned sales lines, for analysts: product purchases by known customers and their
  cancellations as negative lines, so that summing amount nets cancellations out.
-#}
select
    raw_line_id,
    invoice_id,
    customer_id,
    product_code,
    invoiced_at,
    invoice_date,
    invoice_month,
    quantity,
    unit_price,
    amount,
    country,
    is_cancellation
from {{ ref('int_sales_lines') }}
