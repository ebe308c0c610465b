{#-
  The co-occurrence counts of every pair of products bought by the same customer, computed
  sparsely by self-joining distinct (customer, product) and (basket, product) rows — never a dense
  product × product or customer × product matrix. `purchase_lines` names a CTE (customer_id,
  invoice_id, product_code) defined before the call; the macro adds its CTEs and the final select.
  Pairs are stored once, with product_a < product_b.
-#}
{% macro item_cooccurrence(purchase_lines) %}
customer_products as (

    select distinct
        customer_id,
        product_code
    from {{ purchase_lines }}

),

basket_products as (

    select distinct
        invoice_id,
        product_code
    from {{ purchase_lines }}

),

product_customers as (

    select
        product_code,
        count(*) as customers
    from customer_products
    group by product_code

),

product_baskets as (

    select
        product_code,
        count(*) as baskets
    from basket_products
    group by product_code

),

totals as (

    select
        count(distinct invoice_id) as total_baskets,
        count(distinct customer_id) as total_customers
    from {{ purchase_lines }}

),

customer_pairs as (

    select
        product_a.product_code as product_code_a,
        product_b.product_code as product_code_b,
        count(*) as customers
    from customer_products as product_a
    inner join customer_products as product_b
        on
            product_a.customer_id = product_b.customer_id
            and product_a.product_code < product_b.product_code
    group by product_a.product_code, product_b.product_code

),

basket_pairs as (

    select
        product_a.product_code as product_code_a,
        product_b.product_code as product_code_b,
        count(*) as baskets
    from basket_products as product_a
    inner join basket_products as product_b
        on
            product_a.invoice_id = product_b.invoice_id
            and product_a.product_code < product_b.product_code
    group by product_a.product_code, product_b.product_code

),

pair_counts as (

    select
        customer_pairs.product_code_a,
        customer_pairs.product_code_b,
        customer_pairs.customers,
        coalesce(basket_pairs.baskets, 0) as baskets,
        customers_a.customers as product_a_customers,
        customers_b.customers as product_b_customers,
        baskets_a.baskets as product_a_baskets,
        baskets_b.baskets as product_b_baskets,
        totals.total_baskets,
        totals.total_customers
    from customer_pairs
    left join basket_pairs
        on
            customer_pairs.product_code_a = basket_pairs.product_code_a
            and customer_pairs.product_code_b = basket_pairs.product_code_b
    inner join product_customers as customers_a
        on customer_pairs.product_code_a = customers_a.product_code
    inner join product_customers as customers_b
        on customer_pairs.product_code_b = customers_b.product_code
    inner join product_baskets as baskets_a
        on customer_pairs.product_code_a = baskets_a.product_code
    inner join product_baskets as baskets_b
        on customer_pairs.product_code_b = baskets_b.product_code
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
    cast(baskets as {{ shopper_spectrum.type_double() }}) * total_baskets / (product_a_baskets * product_b_baskets) as lift,
    baskets / sqrt(cast(product_a_baskets as {{ shopper_spectrum.type_double() }}) * product_b_baskets) as basket_cosine,
    cast(customers as {{ shopper_spectrum.type_double() }})
    / (product_a_customers + product_b_customers - customers) as customer_jaccard
from pair_counts
{% endmacro %}
