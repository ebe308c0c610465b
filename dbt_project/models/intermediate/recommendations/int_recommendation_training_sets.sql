{#-
  What the recommender is trained on: fold 0 is the production model (every purchase before the
  as-of date); folds 1..var evaluation_folds are the rolling-origin evaluation's, each cut at the
  start of a calendar month and tested on the var evaluation_window_days days from it (fold 1 the
  most recent whose window ends by the as-of date). Cut at month starts, a fold trains on whole
  months, so one pass over the baskets counts every fold (int_product_pairs). A fold needs at
  least one earlier month to train on.

  inputs_digest says when a set's results can be kept from the last build: it changes with the
  set's cutoff, with any sales line before the set's end (its test window's, or the cutoff for
  fold 0) and with the vars that shape its SQL inputs; a later line does not change it. (The
  cutoff tells fold 0 from a fold whose test window ends at the as-of date.)
-#}
{%- set window_days = var('evaluation_window_days') | int -%}
{%- set set_settings = {
    'min_cooccurrence': var('min_cooccurrence'),
    'customer_history_cap': var('recommendation_customer_history_cap'),
    'count_units': shopper_spectrum.var_list('recommendation_count_units'),
    'neighbours': shopper_spectrum.var_list('recommendation_neighbours'),
    'popularity_recent_days': var('popularity_recent_days'),
    'evaluation_max_customers': var('evaluation_max_customers'),
} -%}
with purchase_months as (

    select
        invoice_month,
        count(distinct invoice_id) as baskets
    from {{ ref('int_sales_lines') }}
    where not is_cancellation
    group by invoice_month

),

as_of as (

    select as_of_date
    from {{ ref('int_as_of_date') }}

),

first_month as (

    select min(invoice_month) as invoice_month
    from purchase_months

),

fold_cutoffs as (

    select
        purchase_months.invoice_month as training_cutoff,
        cast({{ dbt.dateadd('day', window_days, 'purchase_months.invoice_month') }} as date) as test_until,
        row_number() over (order by purchase_months.invoice_month desc) as fold
    from purchase_months
    cross join as_of
    cross join first_month
    where
        cast({{ dbt.dateadd('day', window_days, 'purchase_months.invoice_month') }} as date)
        <= as_of.as_of_date
        and purchase_months.invoice_month > first_month.invoice_month

),

training_sets as (

    select
        0 as fold,
        as_of_date as training_cutoff,
        cast(null as date) as test_until
    from as_of

    union all

    select
        fold,
        training_cutoff,
        test_until
    from fold_cutoffs
    where fold <= {{ var('evaluation_folds') | int }}

),

-- the lines before each set's end: its test window's, or the cutoff for fold 0
set_line_digests as (

    {{ shopper_spectrum.lines_before(
        'training_sets', 'fold', 'coalesce(sets.test_until, sets.training_cutoff)'
    ) }}

),

set_baskets as (

    select
        training_sets.fold,
        training_sets.training_cutoff,
        training_sets.test_until,
        cast(sum(purchase_months.baskets) as {{ dbt.type_bigint() }}) as training_baskets
    from training_sets
    inner join purchase_months on training_sets.training_cutoff > purchase_months.invoice_month
    group by training_sets.fold, training_sets.training_cutoff, training_sets.test_until

)

select
    set_baskets.fold,
    set_baskets.training_cutoff,
    set_baskets.test_until,
    set_baskets.training_baskets,
    {{ shopper_spectrum.lines_digest(
        'set_baskets.training_cutoff',
        'set_line_digests.lines',
        'set_line_digests.line_hash_sum',
        local_md5(set_settings | tojson)
    ) }} as inputs_digest
from set_baskets
left join set_line_digests on set_baskets.fold = set_line_digests.fold
