{%- set basket_rule = shopper_spectrum.basket_rule() -%}

{#-
  How orders were told apart, and whether they look like orders: when almost every customer who
  bought on several days still has one order, the invoice column is not an order id (an export
  mapped with invoice = the customer column, say), and frequency and baskets mean nothing.
-#}
with purchases as (

    select
        customer_id,
        invoice_id,
        invoice_date
    from {{ ref('int_sales_lines') }}
    where not is_cancellation

),

customer_orders as (

    select
        customer_id,
        count(distinct invoice_id) as orders,
        count(distinct invoice_date) as purchase_days
    from purchases
    group by customer_id

),

order_counts as (

    select
        count(*) as customers,
        coalesce(sum(case when orders = 1 then 1 else 0 end), 0) as one_order_customers,
        coalesce(sum(case when purchase_days > 1 then 1 else 0 end), 0) as several_day_customers,
        coalesce(sum(
            case when purchase_days > 1 and orders = 1 then 1 else 0 end
        ), 0) as several_day_one_order_customers
    from customer_orders

)

select
    '{{ basket_rule }}' as basket_rule,
    customers,
    one_order_customers,
    several_day_customers,
    several_day_one_order_customers,
    cast(several_day_one_order_customers as {{ dbt.type_float() }})
    / nullif(several_day_customers, 0) as several_day_one_order_share,
    coalesce(
        several_day_customers > 0
        and several_day_one_order_customers
        >= {{ var('orders_indistinct_share') }} * several_day_customers,
        false
    ) as orders_look_indistinct
from order_counts
