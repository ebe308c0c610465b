{#-
  The customers each evaluation fold scores, with what the recommender may know about them and
  what it should find. Evaluated: customers who bought before the fold's cutoff and bought at
  least one product new to them in its test window — at most var evaluation_max_customers per
  fold, the first by md5 of the customer id (the same sample on every engine and every run).
  One row per customer and product: history rows carry the last purchase before the cutoff;
  truth rows (is_truth) are the window's new products. Nothing after a fold's test window
  changes its rows (a later line cannot move a first purchase into or before the window).

  Stored by the fold's inputs_digest (macros/held_by_digest.sql): on DuckDB a build chooses the
  customers of the folds whose digest the table does not hold (a day's new lines: none; a
  month's: the new fold) and first deletes the sets no longer current.
  int_recommendation_fold_customers numbers the sets by fold.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='append',
    pre_hook=[
        "{{ shopper_spectrum.forget_stale_training_sets(first_fold=1) }}",
        "{{ shopper_spectrum.record_sets_to_write(first_fold=1) }}",
    ]
) }}
{%- set folds = shopper_spectrum.training_sets_to_count(first_fold=1, label='Fold customers', verb='chosen') -%}
{%- if not folds %}
-- every current fold's customers are held already
{{ shopper_spectrum.no_training_set_rows([
    ('inputs_digest', dbt.type_string()),
    ('customer_id', dbt.type_string()),
    ('product_key', dbt.type_int()),
    ('last_purchased_at', dbt.type_timestamp()),
    ('is_truth', dbt.type_boolean()),
]) }}
{%- else %}
with folds as (

    select
        fold,
        inputs_digest,
        training_cutoff,
        test_until
    from {{ ref('int_recommendation_training_sets') }}
    where fold in ({{ folds | join(', ') }})

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

),

fold_customers as (

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

)

select
    folds.inputs_digest,
    fold_customers.customer_id,
    fold_customers.product_key,
    fold_customers.last_purchased_at,
    fold_customers.is_truth
from fold_customers
inner join folds on fold_customers.fold = folds.fold
{%- endif %}
