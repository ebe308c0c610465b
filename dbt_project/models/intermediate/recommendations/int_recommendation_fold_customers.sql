{#-
  The customers each evaluation fold scores, with what the recommender may know about them and
  what it should find. Evaluated: customers who bought before the fold's cutoff and bought at
  least one product new to them in its test window — at most var evaluation_max_customers per
  fold, the first by md5 of the customer id (the same sample on every engine and every run).
  One row per customer and product: history rows carry the last purchase before the cutoff;
  truth rows (is_truth) are the window's new products.
-#}
with folds as (

    select
        fold,
        training_cutoff,
        test_until
    from {{ ref('int_recommendation_training_sets') }}
    where fold > 0

),

customer_products as (

    select
        customer_id,
        product_key,
        first_purchased_at
    from {{ ref('int_customer_product_history') }}

),

new_in_window as (

    select
        folds.fold,
        customer_products.customer_id,
        customer_products.product_key
    from customer_products
    inner join folds
        on
            customer_products.first_purchased_at >= folds.training_cutoff
            and customer_products.first_purchased_at < folds.test_until

),

first_purchases as (

    select
        customer_id,
        min(first_purchased_at) as first_purchased_at
    from customer_products
    group by customer_id

),

evaluable_customers as (

    select distinct
        new_in_window.fold,
        new_in_window.customer_id
    from new_in_window
    inner join folds on new_in_window.fold = folds.fold
    inner join first_purchases on new_in_window.customer_id = first_purchases.customer_id
    where first_purchases.first_purchased_at < folds.training_cutoff

),

sampled_customers as (

    select
        fold,
        customer_id
    from (
        select
            fold,
            customer_id,
            row_number() over (partition by fold order by md5(customer_id), customer_id) as sample_rank
        from evaluable_customers
    ) as ranked
    where sample_rank <= {{ var('evaluation_max_customers') | int }}

),

purchases_before_cutoff as (

    select
        sampled_customers.fold,
        lines.customer_id,
        lines.product_code,
        max(lines.invoiced_at) as last_purchased_at
    from {{ ref('int_sales_lines') }} as lines
    inner join sampled_customers on lines.customer_id = sampled_customers.customer_id
    inner join folds on sampled_customers.fold = folds.fold
    where not lines.is_cancellation and lines.invoiced_at < folds.training_cutoff
    group by sampled_customers.fold, lines.customer_id, lines.product_code

),

fold_history as (

    select
        purchases_before_cutoff.fold,
        purchases_before_cutoff.customer_id,
        product_keys.product_key,
        purchases_before_cutoff.last_purchased_at,
        false as is_truth
    from purchases_before_cutoff
    inner join {{ ref('int_product_keys') }} as product_keys
        on purchases_before_cutoff.product_code = product_keys.product_code

),

fold_truth as (

    select
        new_in_window.fold,
        new_in_window.customer_id,
        new_in_window.product_key,
        cast(null as {{ dbt.type_timestamp() }}) as last_purchased_at,
        true as is_truth
    from new_in_window
    inner join sampled_customers
        on
            new_in_window.fold = sampled_customers.fold
            and new_in_window.customer_id = sampled_customers.customer_id

)

select
    fold,
    customer_id,
    product_key,
    last_purchased_at,
    is_truth
from fold_history

union all

select
    fold,
    customer_id,
    product_key,
    last_purchased_at,
    is_truth
from fold_truth
