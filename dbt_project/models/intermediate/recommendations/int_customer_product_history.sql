{#- What each customer has bought: one row per customer and product, with the last purchase time. -#}
with valid_purchase_lines as (

    select
        customer_id,
        product_code,
        invoiced_at
    from {{ ref('fct_purchase_lines') }}
    where not is_cancellation

)

select
    customer_id,
    product_code,
    max(invoiced_at) as last_purchased_at
from valid_purchase_lines
group by customer_id, product_code
