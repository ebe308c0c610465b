{#- fct_item_cooccurrence's counts over the holdout's training lines only. -#}
with valid_purchase_lines as (

    select
        customer_id,
        invoice_id,
        product_code
    from {{ ref('int_recommendation_holdout_lines') }}
    where is_training

),

{{ item_cooccurrence('valid_purchase_lines') }}
