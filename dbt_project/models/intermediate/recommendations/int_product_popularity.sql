{#-
  How popular each product is in each training set, two ways the recommender can blend in: the
  customers who bought it before the cutoff (all time), and those who bought it in the var
  popularity_recent_days days before the cutoff (what sells now).
-#}
{%- set recent_days = var('popularity_recent_days') | int -%}
with training_sets as (

    select
        fold,
        training_cutoff,
        cast({{ dbt.dateadd('day', -recent_days, 'training_cutoff') }} as {{ dbt.type_timestamp() }}) as recent_from
    from {{ ref('int_recommendation_training_sets') }}

),

customer_products as (

    select
        customer_id,
        product_key,
        first_purchased_at
    from {{ ref('int_customer_product_history') }}

),

all_time as (

    select
        training_sets.fold,
        customer_products.product_key,
        count(*) as customers
    from customer_products
    inner join training_sets on customer_products.first_purchased_at < training_sets.training_cutoff
    group by training_sets.fold, customer_products.product_key

),

recent_purchases as (

    select distinct
        training_sets.fold,
        lines.customer_id,
        lines.product_code
    from {{ ref('int_sales_lines') }} as lines
    inner join training_sets
        on
            lines.invoiced_at >= training_sets.recent_from
            and lines.invoiced_at < training_sets.training_cutoff
    where not lines.is_cancellation

),

recent as (

    select
        recent_purchases.fold,
        product_keys.product_key,
        count(*) as customers
    from recent_purchases
    inner join {{ ref('int_product_keys') }} as product_keys
        on recent_purchases.product_code = product_keys.product_code
    group by recent_purchases.fold, product_keys.product_key

)

select
    all_time.fold,
    all_time.product_key,
    all_time.customers,
    coalesce(recent.customers, 0) as recent_customers
from all_time
left join recent
    on
        all_time.fold = recent.fold
        and all_time.product_key = recent.product_key
