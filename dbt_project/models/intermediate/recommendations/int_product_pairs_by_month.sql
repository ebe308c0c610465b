{#-
  Baskets per calendar month holding each pair of products: the Gram matrix of baskets ×
  products, one month at a time. Pairs are stored once (product_key_a < product_key_b); a row with
  product_key_a = product_key_b holds the product's own basket count. Months add up: any training
  window of whole months is a sum of these rows, never a recount.
-#}
with purchases as (

    select
        lines.invoice_month,
        lines.invoice_id,
        product_keys.product_key
    from {{ ref('int_sales_lines') }} as lines
    inner join {{ ref('int_product_keys') }} as product_keys
        on lines.product_code = product_keys.product_code
    where not lines.is_cancellation

),

baskets as (

    select distinct
        invoice_month,
        invoice_id
    from purchases

),

basket_keys as (

    select
        invoice_month,
        invoice_id,
        cast(row_number() over (order by invoice_month, invoice_id) as {{ dbt.type_int() }}) as basket_key
    from baskets

),

basket_products as (

    select distinct
        basket_keys.invoice_month,
        basket_keys.basket_key,
        purchases.product_key
    from purchases
    inner join basket_keys
        on
            purchases.invoice_month = basket_keys.invoice_month
            and purchases.invoice_id = basket_keys.invoice_id

)

select
    product_a.invoice_month,
    product_a.product_key as product_key_a,
    product_b.product_key as product_key_b,
    count(*) as baskets
from basket_products as product_a
inner join basket_products as product_b
    on
        product_a.basket_key = product_b.basket_key
        and product_a.product_key <= product_b.product_key
group by product_a.invoice_month, product_a.product_key, product_b.product_key
