{#- No customer is recommended a product they bought before the as-of date. -#}
select
    recommendations.customer_id,
    recommendations.product_code
from {{ ref('customer_recommendations') }} as recommendations
inner join {{ ref('fct_sales_lines') }} as purchases
    on
        recommendations.customer_id = purchases.customer_id
        and recommendations.product_code = purchases.product_code
where not purchases.is_cancellation
