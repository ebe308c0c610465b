{#-
  int_customer_product_history, made by changes (macros/made_by_changes.sql): its record holds the
  last purchase line it has seen and a count and digest of the purchase lines and product keys up
  to it. New lines (numbered after every kept line) change only their own customers' products,
  each first and last purchase moving out to take them in; an old line gone or changed, or a
  product key moved, makes every row again.
-#}

{#-
  One row per customer and product bought, with the first and last purchase times: from every
  purchase, or, with after_line_id (an SQL expression for a raw_line_id), from the purchases after
  it merged into the rows the table holds.
-#}
{% macro customer_product_history(after_line_id=none) -%}
with purchases as (

    select
        customer_id,
        product_code,
        invoiced_at
    from {{ ref('int_sales_lines') }}
    where
        not is_cancellation
        {%- if after_line_id is not none %}
        and raw_line_id > ({{ after_line_id }})
        {%- endif %}

),

customer_products as (

    select
        customer_id,
        product_code,
        min(invoiced_at) as first_purchased_at,
        max(invoiced_at) as last_purchased_at
    from purchases
    group by customer_id, product_code

){%- if after_line_id is not none %},

merged_products as (

    -- a product the customer bought before keeps the earlier first purchase
    select
        customer_products.customer_id,
        customer_products.product_code,
        least(customer_products.first_purchased_at, held.first_purchased_at) as first_purchased_at,
        greatest(customer_products.last_purchased_at, held.last_purchased_at) as last_purchased_at
    from customer_products
    left join {{ this }} as held
        on
            customer_products.customer_id = held.customer_id
            and customer_products.product_code = held.product_code

)
{%- endif %}

{%- set products = 'merged_products' if after_line_id is not none else 'customer_products' %}

select
    {{ products }}.customer_id,
    {{ products }}.product_code,
    product_keys.product_key,
    {{ products }}.first_purchased_at,
    {{ products }}.last_purchased_at
from {{ products }}
inner join {{ ref('int_product_keys') }} as product_keys
    on {{ products }}.product_code = product_keys.product_code
{%- endmacro %}

{#- The pre-hook (macros/made_by_changes.sql); purchase_inputs is in macros/training_set_units.sql. -#}
{% macro start_customer_product_history_over_if_moved() %}
    {{ return(start_over_unless_inputs_held(
        'Customer product history',
        purchase_inputs,
        [
            ('purchase_lines', 'earlier purchase lines'),
            ('purchase_lines_hash', 'earlier purchase lines'),
            ('product_keys', 'product keys'),
            ('product_keys_hash', 'product keys'),
        ],
        customer_product_history(),
        'the products of new purchase lines'
    )) }}
{% endmacro %}

{#- The post-hook. -#}
{% macro record_customer_product_history_inputs() %}
    {{ return(record_inputs(purchase_inputs)) }}
{% endmacro %}
