{#-
  int_training_set_units, made by changes (macros/made_by_changes.sql): its record holds the
  settings and fold cutoffs that shape every unit, the last purchase line made into a unit, and
  a count and digest of the purchase lines and product keys up to it. New lines (numbered after
  every kept line) change only their own baskets and customers; a new fold cutoff (a month
  added) moves every unit's sets on a fold and makes again only the units with purchases from
  the cutoff on (units_for_a_new_fold_cutoff); another history cap, other moved cutoffs, an old
  line gone or changed or a product key moved makes every unit again.
-#}

{#-
  The units and the sets that hold their products: every unit, or, with after_line_id (an SQL
  expression for a raw_line_id), only the baskets and customers of the purchases after it.
-#}
{% macro training_set_units(after_line_id=none) -%}
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
{%- if after_line_id is not none %}

new_purchases as (

    -- the purchases no build has counted: only their baskets and customers are made again
    select
        invoice_month,
        invoice_id,
        customer_id
    from purchases
    where raw_line_id > ({{ after_line_id }})

),
{%- endif %}

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
    {%- if after_line_id is not none %}
    where (invoice_month, invoice_id) in (select invoice_month, invoice_id from new_purchases)
    {%- endif %}
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
    {%- if after_line_id is not none %}
    where purchases.customer_id in (select new_purchases.customer_id from new_purchases)
    {%- endif %}
    group by purchases.customer_id, purchases.product_key

),

customer_ids as (

    select
        customer_id,
        min(raw_line_id) as unit_id
    from purchases
    {%- if after_line_id is not none %}
    where customer_id in (select new_purchases.customer_id from new_purchases)
    {%- endif %}
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
{%- endmacro %}

{#-
  What a model made from the purchase lines is made from now (DuckDB only: the hooks' query), as
  one row: `settings` (an SQL expression), and the purchase lines and product keys with a count and
  a digest of each — all of them, or (with `record`) those up to the record's last line and key.
  int_training_set_units and int_customer_product_history record it.
-#}
{% macro purchase_inputs(record=none, settings="''") -%}
with purchase_lines as (

    select
        raw_line_id,
        cast({{ shopper_spectrum.fingerprint(
            ['raw_line_id', 'invoice_id', 'customer_id', 'product_code', 'invoiced_at']
        ) }} % 2147483647 as bigint) as line_hash
    from {{ ref('int_sales_lines') }}
    where
        not is_cancellation
        {%- if record is not none %}
        and raw_line_id <= (select through_line_id from {{ record }})
        {%- endif %}

),

product_keys as (

    select
        product_key,
        cast({{ shopper_spectrum.fingerprint(['product_code', 'product_key']) }} % 2147483647 as bigint) as key_hash
    from {{ ref('int_product_keys') }}
    {%- if record is not none %}
    where product_key <= (select through_product_key from {{ record }})
    {%- endif %}

)

select
    {{ settings }} as settings,
    -- 0 before the first purchase line, so that every later line is new
    coalesce((select max(raw_line_id) from purchase_lines), 0) as through_line_id,
    (select count(*) from purchase_lines) as purchase_lines,
    (select sum(line_hash) from purchase_lines) as purchase_lines_hash,
    coalesce((select max(product_key) from product_keys), 0) as through_product_key,
    (select count(*) from product_keys) as product_keys,
    (select sum(key_hash) from product_keys) as product_keys_hash
{%- endmacro %}

{#- The units' inputs: the purchase inputs with the settings and fold cutoffs that shape every unit. -#}
{% macro training_set_units_inputs(record=none) -%}
{%- set fold_cutoffs -%}
(
        select string_agg(concat(fold, ' from ', training_cutoff), ', ' order by fold)
        from {{ ref('int_recommendation_training_sets') }}
        where fold > 0
    )
{%- endset -%}
{%- set settings -%}
concat(
        'folds {{ var("evaluation_folds") | int }}',
        ', units {{ shopper_spectrum.var_list("recommendation_count_units") | join(" ") }}',
        ', history cap {{ var("recommendation_customer_history_cap") | int }}, cutoffs ',
        coalesce({{ fold_cutoffs }}, 'none')
    )
{%- endset -%}
{{ purchase_inputs(record, settings) }}
{%- endmacro %}

{#- The pre-hook (macros/made_by_changes.sql). -#}
{% macro start_training_set_units_over_if_moved() %}
    {{ return(start_over_unless_inputs_held(
        'Training set units',
        training_set_units_inputs,
        [
            ('settings', 'settings or fold cutoffs'),
            ('purchase_lines', 'earlier purchase lines'),
            ('purchase_lines_hash', 'earlier purchase lines'),
            ('product_keys', 'product keys'),
            ('product_keys_hash', 'product keys'),
        ],
        training_set_units(),
        'the baskets and customers of new purchase lines',
        units_for_a_new_fold_cutoff
    )) }}
{% endmacro %}

{#-
  A month added starts a fold: the new cutoff becomes fold 1, each fold moves one on, and the
  oldest leaves once there are evaluation_folds of them. A unit with no purchase from the new
  cutoff's month on holds, before that cutoff, what it holds in the production set (fold 0);
  its other sets are its flags of the fold before. So the table moves each fold's flags on, the
  rows in no set any more go, and the record's last line goes back before the first purchase
  from the new cutoff on, so that the model makes the units of those purchases again (and of
  any new line). Given the settings the units hold now and those recorded (training_set_units_inputs),
  returns none when they differ otherwise.
-#}
{% macro units_for_a_new_fold_cutoff(held_settings, recorded_settings) %}
    {%- set held_shape, held = settings_and_fold_cutoffs(held_settings) -%}
    {%- set recorded_shape, recorded = settings_and_fold_cutoffs(recorded_settings) -%}
    {%- if held_shape != recorded_shape or not held or held[1:] != recorded[:held | length - 1] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set moved_flags = [] -%}
    {%- for fold in range(1, var('evaluation_folds') | int + 1) -%}
        {%- do moved_flags.append(
            'in_set_' ~ fold ~ ' = ' ~ ('in_set_' ~ (fold - 1) if fold <= held | length else 'false')
        ) -%}
    {%- endfor -%}
    {%- set any_set = [] -%}
    {%- for fold in range(var('evaluation_folds') | int + 1) -%}
        {%- do any_set.append('in_set_' ~ fold) -%}
    {%- endfor -%}
    {%- set statements -%}
        update {{ this }} set {{ moved_flags | join(', ') }};
        delete from {{ this }} where not ({{ any_set | join(' or ') }});
        update {{ made_from_record() }} set through_line_id = least(
            through_line_id,
            coalesce((
                select min(raw_line_id) - 1 from {{ ref('int_sales_lines') }}
                where invoice_month >= cast('{{ held[0] }}' as date)
            ), through_line_id)
        )
    {%- endset -%}
    {{ return({
        'sql': statements,
        'changes': 'a new fold cutoff, ' ~ held[0] ~ ': every set moves on a fold; the units with purchases from it on or in new lines are made again'
    }) }}
{% endmacro %}

{#-
  training_set_units_inputs' settings text split in two: the settings before the fold cutoffs,
  and the cutoffs, fold 1 first (their dates as text).
-#}
{% macro settings_and_fold_cutoffs(settings) %}
    {%- set shape, _, cutoff_list = settings.partition(', cutoffs ') -%}
    {%- set cutoffs = [] -%}
    {%- for cutoff in ([] if cutoff_list == 'none' else cutoff_list.split(', ')) -%}
        {%- do cutoffs.append(cutoff.split(' from ')[1]) -%}
    {%- endfor -%}
    {{ return([shape, cutoffs]) }}
{% endmacro %}

{#- The post-hook. -#}
{% macro record_training_set_units_inputs() %}
    {{ return(record_inputs(training_set_units_inputs)) }}
{% endmacro %}
