with product_lines as (

    select
        product_code,
        description
    from {{ ref('int_invoice_lines__dispositioned') }}
    where
        disposition in ('purchase', 'cancellation', 'guest')
        and unit_price > 0
        and description is not null

),

description_counts as (

    select
        product_code,
        description,
        count(*) as lines
    from product_lines
    group by product_code, description

),

ranked_descriptions as (

    select
        product_code,
        description,
        count(*) over (partition by product_code) as description_variants,
        row_number() over (partition by product_code order by lines desc, description asc) as description_rank
    from description_counts

),

canonical_descriptions as (

    select
        product_code,
        description,
        description_variants
    from ranked_descriptions
    where description_rank = 1

),

sales_lines as (

    select
        product_code,
        invoiced_at,
        quantity,
        unit_price,
        amount,
        is_cancellation
    from {{ ref('int_sales_lines') }}

),

product_sales as (

    select
        product_code,
        min(case when not is_cancellation then unit_price end) as min_unit_price,
        percentile_cont(0.5) within group (
            order by case when not is_cancellation then unit_price end
        ) as median_unit_price,
        max(case when not is_cancellation then unit_price end) as max_unit_price,
        sum(quantity) as net_quantity,
        sum(amount) as net_revenue,
        min(invoiced_at) as first_sold_at,
        max(invoiced_at) as last_sold_at
    from sales_lines
    group by product_code

),

product_customers as (

    -- one history row per customer and product bought: counting rows counts customers
    select
        product_code,
        count(*) as purchasing_customers
    from {{ ref('int_customer_product_history') }}
    group by product_code

),

product_baskets as (

    select
        product_code,
        units as purchase_invoices
    from {{ ref('int_product_counts') }}
    where fold = 0 and count_unit = 'basket'

)

select
    product_sales.product_code,
    coalesce(canonical_descriptions.description, product_sales.product_code) as description,
    coalesce(canonical_descriptions.description_variants, 0) as description_variants,
    product_sales.min_unit_price,
    cast(product_sales.median_unit_price as {{ shopper_spectrum.type_money() }}) as median_unit_price,
    product_sales.max_unit_price,
    coalesce(product_baskets.purchase_invoices, 0) as purchase_invoices,
    coalesce(product_customers.purchasing_customers, 0) as purchasing_customers,
    product_sales.net_quantity,
    product_sales.net_revenue,
    product_sales.first_sold_at,
    product_sales.last_sold_at,
    rank() over (order by coalesce(product_baskets.purchase_invoices, 0) desc) as popularity_rank
from product_sales
left join canonical_descriptions
    on product_sales.product_code = canonical_descriptions.product_code
left join product_baskets
    on product_sales.product_code = product_baskets.product_code
left join product_customers
    on product_sales.product_code = product_customers.product_code
