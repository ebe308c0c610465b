{#- Co-occurrence of every product pair over valid purchases (known customer, no cancellations). -#}
with valid_purchase_lines as (

    select
        customer_id,
        invoice_id,
        product_code
    from {{ ref('fct_purchase_lines') }}
    where not is_cancellation

),

{{ item_cooccurrence('valid_purchase_lines') }}
