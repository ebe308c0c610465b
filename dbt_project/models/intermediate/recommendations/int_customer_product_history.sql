{#-
  What each customer has bought: one row per customer and product, with the first and last
  purchase times. The recommender weighs the last (its time decay); the evaluation finds the
  products that were new to a customer from the first.
-#}
with purchases as (

    select
        customer_id,
        product_code,
        invoiced_at
    from {{ ref('int_sales_lines') }}
    where not is_cancellation

),

customer_products as (

    select
        customer_id,
        product_code,
        min(invoiced_at) as first_purchased_at,
        max(invoiced_at) as last_purchased_at
    from purchases
    group by customer_id, product_code

)

select
    customer_products.customer_id,
    customer_products.product_code,
    product_keys.product_key,
    customer_products.first_purchased_at,
    customer_products.last_purchased_at
from customer_products
inner join {{ ref('int_product_keys') }} as product_keys
    on customer_products.product_code = product_keys.product_code
