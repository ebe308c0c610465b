{#-
  The co-occurrence counts of product pairs, computed sparsely by self-joining distinct
  (customer, product) and (basket, product) rows on 32-bit integer keys (cheaper to hash than
  codes) — never a dense product × product or customer × product matrix. `purchase_lines` names a
  CTE (customer_id, invoice_id, product_code) defined before the call; the macro adds its CTEs and
  the final select.
  Kept: every pair bought in the same basket, and every pair bought by at least
  var min_cooccurrence customers (pairs seen once, never together, are noise no model uses).
  Pairs are stored once, with product_code_a < product_code_b.
-#}
{% macro item_cooccurrence(purchase_lines) %}
{%- set passes = var('cooccurrence_passes') | int -%}
{%- set min_customers = var('min_cooccurrence') | int -%}
{#- Every basket pair has a customer, so with customer pairs kept from 2 up a basket pair
    missing from them was bought by exactly one. -#}
{%- set kept_customers = [min_customers, 2] | min -%}
product_keys as (

    select
        product_code,
        cast(row_number() over (order by product_code) as {{ dbt.type_int() }}) as product_key
    from (select distinct product_code from {{ purchase_lines }}) as products

),

customer_keys as (

    select
        customer_id,
        cast(row_number() over (order by customer_id) as {{ dbt.type_int() }}) as customer_key
    from (select distinct customer_id from {{ purchase_lines }}) as customers

),

basket_keys as (

    select
        invoice_id,
        cast(row_number() over (order by invoice_id) as {{ dbt.type_int() }}) as basket_key
    from (select distinct invoice_id from {{ purchase_lines }}) as baskets

),

keyed_lines as (

    select distinct
        customer_keys.customer_key,
        basket_keys.basket_key,
        product_keys.product_key
    from {{ purchase_lines }} as lines
    inner join customer_keys on lines.customer_id = customer_keys.customer_id
    inner join basket_keys on lines.invoice_id = basket_keys.invoice_id
    inner join product_keys on lines.product_code = product_keys.product_code

),

customer_products as (

    select distinct
        customer_key,
        product_key
    from keyed_lines

),

basket_products as (

    select distinct
        basket_key,
        product_key
    from keyed_lines

),

product_customers as (

    select
        product_key,
        count(*) as customers
    from customer_products
    group by product_key

),

product_baskets as (

    select
        product_key,
        count(*) as baskets
    from basket_products
    group by product_key

),

product_stats as (

    -- one row per product, so each pair joins its two products once each
    select
        product_keys.product_key,
        product_keys.product_code,
        product_customers.customers,
        product_baskets.baskets
    from product_keys
    inner join product_customers on product_keys.product_key = product_customers.product_key
    inner join product_baskets on product_keys.product_key = product_baskets.product_key

),

totals as (

    select
        (select count(*) from basket_keys) as total_baskets,
        (select count(*) from customer_keys) as total_customers

),

customer_pairs as (

    -- One aggregation per slice of first products: each pass's hash table holds 1/passes of the
    -- pairs, where one table of them all spilled to disk at 10M lines. Pairs bought by a single
    -- customer are dropped here: kept_pairs restores them, with customers = 1, when they share a
    -- basket.
    {%- for pass in range(passes) %}
    select
        product_a.product_key as product_key_a,
        product_b.product_key as product_key_b,
        count(*) as customers
    from customer_products as product_a
    inner join customer_products as product_b
        on
            product_a.customer_key = product_b.customer_key
            and product_a.product_key < product_b.product_key
    where product_a.product_key % {{ passes }} = {{ pass }}
    group by product_a.product_key, product_b.product_key
    having count(*) >= {{ kept_customers }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}

),

basket_pairs as (

    select
        product_a.product_key as product_key_a,
        product_b.product_key as product_key_b,
        count(*) as baskets
    from basket_products as product_a
    inner join basket_products as product_b
        on
            product_a.basket_key = product_b.basket_key
            and product_a.product_key < product_b.product_key
    group by product_a.product_key, product_b.product_key

),

kept_pairs as (

    select
        coalesce(customer_pairs.product_key_a, basket_pairs.product_key_a) as product_key_a,
        coalesce(customer_pairs.product_key_b, basket_pairs.product_key_b) as product_key_b,
        -- a basket pair missing from customer_pairs was bought by exactly one customer
        coalesce(customer_pairs.customers, 1) as customers,
        coalesce(basket_pairs.baskets, 0) as baskets
    from customer_pairs
    full outer join basket_pairs
        on
            customer_pairs.product_key_a = basket_pairs.product_key_a
            and customer_pairs.product_key_b = basket_pairs.product_key_b
    where
        basket_pairs.baskets is not null
        or customer_pairs.customers >= {{ min_customers }}

),

pair_counts as (

    select
        product_a.product_code as product_code_a,
        product_b.product_code as product_code_b,
        kept_pairs.customers,
        kept_pairs.baskets,
        product_a.customers as product_a_customers,
        product_b.customers as product_b_customers,
        product_a.baskets as product_a_baskets,
        product_b.baskets as product_b_baskets,
        totals.total_baskets,
        totals.total_customers
    from kept_pairs
    inner join product_stats as product_a on kept_pairs.product_key_a = product_a.product_key
    inner join product_stats as product_b on kept_pairs.product_key_b = product_b.product_key
    cross join totals

)

select
    product_code_a,
    product_code_b,
    customers,
    baskets,
    product_a_customers,
    product_b_customers,
    product_a_baskets,
    product_b_baskets,
    total_customers,
    total_baskets,
    cast(baskets as {{ shopper_spectrum.type_double() }}) / total_baskets as support,
    cast(baskets as {{ shopper_spectrum.type_double() }}) / product_a_baskets as confidence_a_to_b,
    cast(baskets as {{ shopper_spectrum.type_double() }}) / product_b_baskets as confidence_b_to_a,
    cast(baskets as {{ shopper_spectrum.type_double() }})
    * total_baskets / (product_a_baskets * product_b_baskets) as lift,
    baskets / sqrt(cast(product_a_baskets as {{ shopper_spectrum.type_double() }}) * product_b_baskets)
        as basket_cosine,
    cast(customers as {{ shopper_spectrum.type_double() }})
    / (product_a_customers + product_b_customers - customers) as customer_jaccard
from pair_counts
{% endmacro %}
