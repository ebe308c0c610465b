{{ config(severity='warn') }}
{#-
  Almost every customer who bought on several days has one order: the column mapped to invoice
  is not an order id. Map raw_columns.invoice to the order (invoice, receipt) column, or leave
  invoice out of raw_columns so that a basket is one customer's day (var basket_rule).
-#}
select
    basket_rule,
    several_day_customers,
    several_day_one_order_share,
    'map raw_columns.invoice to an order id, or leave it out (baskets: a customer''s day)' as fix
from {{ ref('audit_orders') }}
where orders_look_indistinct
