{#-
  The Gram matrices each training set of int_recommendation_training_sets is fitted on, one per
  counting unit: how many purchase baskets, and how many customers, hold each pair of products
  before the set's cutoff. Counted sparsely, by self-joins of distinct (unit, product) rows on
  integer keys — never a dense matrix — each in one pass that counts every training set at once:
  a pair counts in a set when both products were bought before its cutoff (in the basket, or by
  the customer, among their var recommendation_customer_history_cap most recent products). Pairs
  are stored once (product_key_a < product_key_b) and kept when at least var min_cooccurrence
  units hold both (a pair seen once is noise no model uses). Rows with product_key_a =
  product_key_b hold each product's own count. Customers are counted only when var
  recommendation_count_units offers them to the selection.

  A customer counts for a pair among their most recently bought products before the cutoff: a
  long history's oldest purchases say least about what comes next, and a customer's pairs grow
  with the square of their products. Cutoffs after fold 0 are month starts, and fold 0's is after
  every line, so a line is before a cutoff when its month is.

  Rows are stored by the set's inputs_digest, not its fold number, and on DuckDB the table grows
  by set: a build counts only the sets whose digest it does not hold (training_sets_to_count) —
  after a day's lines, the production set alone; after a month's, that and the new fold — and
  first deletes the sets no longer current. Product keys follow first purchases, so a set's keys
  do not move while its lines are unchanged. int_product_pairs numbers the sets by fold.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='append',
    pre_hook="{{ shopper_spectrum.forget_stale_training_sets() }}"
) }}
{%- set folds = shopper_spectrum.training_sets_to_count() -%}
{%- if not folds %}
-- every current set's counts are held already
select
    inputs_digest,
    count_unit,
    product_key_a,
    product_key_b,
    co_count
from {{ this }}
where false
{%- else -%}

{%- set count_customers = 'customer' in shopper_spectrum.var_list('recommendation_count_units') -%}
{%- set history_cap = var('recommendation_customer_history_cap') | int -%}
{%- set cutoffs, basket_sets, last_purchases, recent_sets, set_flags, any_set, picks = [], [], [], [], [], [], [] -%}
{%- for fold in folds -%}
{%- do cutoffs.append('max(case when fold = ' ~ fold ~ ' then training_cutoff end) as cutoff_' ~ fold) -%}
{%- do basket_sets.append('basket_keys.invoice_month < training_cutoffs.cutoff_' ~ fold ~ ' as in_set_' ~ fold) -%}
{%- do last_purchases.append(
    'max(case when purchases.invoice_month < training_cutoffs.cutoff_' ~ fold
    ~ ' then purchases.invoiced_at end) as last_before_' ~ fold
) -%}
{%- do recent_sets.append(
    'last_before_' ~ fold ~ ' is not null and row_number() over (partition by customer_id order by last_before_'
    ~ fold ~ ' desc nulls last, product_key asc) <= ' ~ history_cap ~ ' as in_set_' ~ fold
) -%}
{%- do set_flags.append('in_set_' ~ fold) -%}
{%- do picks.append('when ' ~ fold ~ ' then unit_pairs.units_' ~ fold) -%}
{%- endfor -%}
{%- set unit_counts = set_flags | map('replace', 'in_set_', 'unit_pairs.units_') | list -%}
{%- set most_units = 'greatest(' ~ unit_counts | join(', ') ~ ')' if unit_counts | length > 1 else unit_counts[0] -%}
with purchases as (

    select
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

baskets as (

    select distinct
        invoice_month,
        invoice_id
    from purchases

),

basket_keys as (

    select
        invoice_month,
        invoice_id,
        cast(row_number() over (order by invoice_month, invoice_id) as {{ dbt.type_int() }}) as basket_key
    from baskets

),

basket_products as (

    select distinct
        basket_keys.basket_key as unit_key,
        purchases.product_key,
        {{ basket_sets | join(',\n        ') }}
    from purchases
    inner join basket_keys
        on
            purchases.invoice_month = basket_keys.invoice_month
            and purchases.invoice_id = basket_keys.invoice_id
    cross join training_cutoffs

),

basket_pairs as (

    {{ shopper_spectrum.count_pairs_per_training_set('basket_products', folds) | indent(4) }}

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

recent_customer_products as (

    select
        customer_id,
        product_key,
        {{ recent_sets | join(',\n        ') }}
    from customer_last_purchases

),

customer_products as (

    select
        cast(dense_rank() over (order by customer_id) as {{ dbt.type_int() }}) as unit_key,
        product_key,
        {{ set_flags | join(',\n        ') }}
    from recent_customer_products
    where {{ set_flags | join(' or ') }}

),

customer_pairs as (

    {{ shopper_spectrum.count_pairs_per_training_set('customer_products', folds) | indent(4) }}

),

{% endif -%}
training_sets as (

    select
        fold,
        inputs_digest
    from {{ ref('int_recommendation_training_sets') }}
    where fold in ({{ folds | join(', ') }})

),

unit_pairs as (

    select
        'basket' as count_unit,
        product_key_a,
        product_key_b,
        {{ set_flags | map('replace', 'in_set_', 'units_') | join(',\n        ') }}
    from basket_pairs
    {%- if count_customers %}

    union all

    select
        'customer' as count_unit,
        product_key_a,
        product_key_b,
        {{ set_flags | map('replace', 'in_set_', 'units_') | join(',\n        ') }}
    from customer_pairs
    {%- endif %}

),

pairs_per_training_set as (

    select
        training_sets.inputs_digest,
        unit_pairs.count_unit,
        unit_pairs.product_key_a,
        unit_pairs.product_key_b,
        case training_sets.fold
            {{ picks | join('\n            ') }}
        end as co_count
    from unit_pairs
    cross join training_sets
    -- most customer pairs are shared by one customer in every set: dropped before the fan-out
    where
        {{ most_units }} >= {{ var('min_cooccurrence') | int }}
        or unit_pairs.product_key_a = unit_pairs.product_key_b

)

select
    inputs_digest,
    count_unit,
    product_key_a,
    product_key_b,
    co_count
from pairs_per_training_set
where
    co_count >= {{ var('min_cooccurrence') | int }}
    or (product_key_a = product_key_b and co_count > 0)
{%- endif %}
