{{ config(materialized="view") }}

{#-
  The kept sales lines, for analysts: product purchases by known customers and their
  cancellations as negative lines (summing amount nets them out), with each product's name.
  A view, so a large export is not stored twice.
-#}
with products as (

    select
        product_code,
        description
    from {{ ref('dim_products') }}

)

select
    sales_lines.raw_line_id,
    sales_lines.invoice_id,
    sales_lines.customer_id,
    sales_lines.product_code,
    products.description as product_description,
    sales_lines.invoiced_at,
    sales_lines.invoice_date,
    sales_lines.invoice_month,
    sales_lines.quantity,
    sales_lines.unit_price,
    sales_lines.amount,
    sales_lines.country,
    sales_lines.is_cancellation
from {{ ref('int_sales_lines') }} as sales_lines
left join products on sales_lines.product_code = products.product_code
