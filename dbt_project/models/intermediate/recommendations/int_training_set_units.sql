{#-
  The units the pair counts count, and which training sets each unit's products fall in: one row
  per unit and product, flagged in_set_<fold> for every fold 0..var evaluation_folds (false for a
  fold the export is too short for). A basket (an invoice by a known customer, no cancellations)
  holds its products in every set whose cutoff follows its month. A customer holds, in a set, their
  var recommendation_customer_history_cap most recently bought products before its cutoff: a long
  history's oldest purchases say least about what comes next, and a customer's pairs grow with the
  square of their products. Cutoffs after fold 0 are month starts, and fold 0's is after every
  line, so a line is before a cutoff when its month is.

  unit_id names a unit by its first sales line (the smallest raw_line_id among its purchases): an
  integer, which the self-joins hash fast, and the same in every build while that line is kept,
  so the production counts can find the units whose products changed (int_production_pair_counts).
  Lines keep their ids across daily runs; a reload that renumbers them renames every unit, and
  the production counts then start over.
-#}
{%- set folds = range(var('evaluation_folds') | int + 1) | list -%}
{%- set count_customers = 'customer' in shopper_spectrum.var_list('recommendation_count_units') -%}
{%- set history_cap = var('recommendation_customer_history_cap') | int -%}
{%- set cutoffs, basket_sets, last_purchases, recent_sets, set_flags = [], [], [], [], [] -%}
{%- for fold in folds -%}
{%- do cutoffs.append('max(case when fold = ' ~ fold ~ ' then training_cutoff end) as cutoff_' ~ fold) -%}
{%- do basket_sets.append(
    'coalesce(basket_ids.invoice_month < training_cutoffs.cutoff_' ~ fold ~ ', false) as in_set_' ~ fold
) -%}
{%- do last_purchases.append(
    'max(case when purchases.invoice_month < training_cutoffs.cutoff_' ~ fold
    ~ ' then purchases.invoiced_at end) as last_before_' ~ fold
) -%}
{%- do recent_sets.append(
    'last_before_' ~ fold ~ ' is not null and row_number() over (partition by customer_id order by last_before_'
    ~ fold ~ ' desc nulls last, product_key asc) <= ' ~ history_cap ~ ' as in_set_' ~ fold
) -%}
{%- do set_flags.append('in_set_' ~ fold) -%}
{%- endfor -%}
with purchases as (

    select
        lines.raw_line_id,
        lines.customer_id,
        lines.invoice_month,
        lines.invoice_id,
        lines.invoiced_at,
        product_keys.product_key
    from {{ ref('int_sales_lines') }} as lines
    inner join {{ ref('int_product_keys') }} as product_keys
        on lines.product_code = product_keys.product_code
    where not lines.is_cancellation

),

training_cutoffs as (

    select
        {{ cutoffs | join(',\n        ') }}
    from {{ ref('int_recommendation_training_sets') }}

),

basket_ids as (

    select
        invoice_month,
        invoice_id,
        min(raw_line_id) as unit_id
    from purchases
    group by invoice_month, invoice_id

),

basket_products as (

    select distinct
        basket_ids.unit_id,
        purchases.product_key,
        {{ basket_sets | join(',\n        ') }}
    from purchases
    inner join basket_ids
        on
            purchases.invoice_month = basket_ids.invoice_month
            and purchases.invoice_id = basket_ids.invoice_id
    cross join training_cutoffs

),

{% if count_customers -%}
customer_last_purchases as (

    select
        purchases.customer_id,
        purchases.product_key,
        {{ last_purchases | join(',\n        ') }}
    from purchases
    cross join training_cutoffs
    group by purchases.customer_id, purchases.product_key

),

customer_ids as (

    select
        customer_id,
        min(raw_line_id) as unit_id
    from purchases
    group by customer_id

),

recent_customer_products as (

    select
        customer_id,
        product_key,
        {{ recent_sets | join(',\n        ') }}
    from customer_last_purchases

),

customer_products as (

    select
        customer_ids.unit_id,
        recent_customer_products.product_key,
        {{ set_flags | map('replace', 'in_set_', 'recent_customer_products.in_set_') | join(',\n        ') }}
    from recent_customer_products
    inner join customer_ids on recent_customer_products.customer_id = customer_ids.customer_id
    where {{ set_flags | map('replace', 'in_set_', 'recent_customer_products.in_set_') | join(' or ') }}

),

{% endif -%}
training_set_units as (

    select
        'basket' as count_unit,
        unit_id,
        product_key,
        {{ set_flags | join(',\n        ') }}
    from basket_products
    where {{ set_flags | join(' or ') }}
    {%- if count_customers %}

    union all

    select
        'customer' as count_unit,
        unit_id,
        product_key,
        {{ set_flags | join(',\n        ') }}
    from customer_products
    {%- endif %}

)

select
    count_unit,
    unit_id,
    product_key,
    {{ set_flags | join(',\n    ') }}
from training_set_units
