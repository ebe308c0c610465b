{#-
  RFM of every customer at every snapshot date (int_snapshot_dates), by the same rules at every
  date so that months compare: recency in days to the snapshot's date, frequency in purchase
  invoices, monetary net of cancellations, the net revenue of the 90 days before the snapshot,
  and 1-5 quintile scores among that snapshot's customers. int_customer_rfm_snapshots numbers the
  dates and adds the classic RFM segment.

  A snapshot holds the sales lines before its date and nothing later, as a build as of that date
  would: a customer appears from the first snapshot after their first sales line, and an invoice
  counts from the time of its first line, with the lines it had by the snapshot's date. Each
  invoice's lines are summed once, into the period between the two snapshots they fall in, and
  the periods are accumulated, so the work grows with invoices and customers, not with invoices ×
  snapshots.

  Scores are quintiles by percent rank among a snapshot's customers with net spend:
  1 + floor(5 × percent_rank), capped at 5, so ties always share a score (the lower one) and 5 is
  best (most recent, most orders, highest spend). Customers whose net spend is not positive keep
  their row (customer_status no_net_spend) but get no scores.

  Stored by the snapshot's inputs_digest (macros/held_by_digest.sql): on DuckDB a build makes only
  the dates whose digest the table does not hold (a day's: the as-of date; a month's: that and the
  month-end it closed; late lines: every date after them) and first deletes the others.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='append',
    pre_hook="{{ shopper_spectrum.forget_stale_sets(shopper_spectrum.snapshot_date_sets()) }}"
) }}
{%- set dates = shopper_spectrum.sets_to_make(
    shopper_spectrum.snapshot_date_sets(), 'Customer snapshots', 'made', 'dates'
) -%}
{%- set date_literals = [] -%}
{%- for date in dates or [] -%}
{%- do date_literals.append('cast(' ~ shopper_spectrum.sql_string(date) ~ ' as date)') -%}
{%- endfor -%}
{%- set peers = 'count(*) over (partition by as_of_date, customer_status)' -%}
{%- set rank_by = 'rank() over (partition by as_of_date, customer_status order by {})' -%}
with snapshots as (

    select
        as_of_date,
        inputs_digest
    from {{ ref('int_snapshot_dates') }}
    {%- if dates is not none %}
    -- the dates whose snapshot the table does not hold
    where {{ shopper_spectrum.is_one_of('as_of_date', date_literals) }}
    {%- endif %}

),

periods as (

    -- the lines a snapshot adds to the one before it; the oldest takes all earlier ones
    select
        as_of_date as period_end,
        lag(as_of_date) over (order by as_of_date) as period_start
    from snapshots

),

invoice_parts as (

    -- an invoice's lines at one time (nearly always all of them), and whether they start it
    select
        customer_id,
        invoice_id,
        is_cancellation,
        invoiced_at,
        sum(amount) as amount,
        invoiced_at = min(invoiced_at) over (
            partition by customer_id, invoice_id, is_cancellation
        ) as starts_invoice
    from {{ ref('int_sales_lines') }}
    group by customer_id, invoice_id, is_cancellation, invoiced_at

),

customer_periods as (

    select
        invoice_parts.customer_id,
        periods.period_end,
        min(case when not invoice_parts.is_cancellation then invoice_parts.invoiced_at end) as first_purchase_at,
        max(case when not invoice_parts.is_cancellation then invoice_parts.invoiced_at end) as last_purchase_at,
        count(
            case
                when not invoice_parts.is_cancellation and invoice_parts.starts_invoice
                    then invoice_parts.invoice_id
            end
        ) as purchase_invoices,
        sum(case when not invoice_parts.is_cancellation then invoice_parts.amount else 0 end) as gross_spend,
        sum(case when invoice_parts.is_cancellation then -invoice_parts.amount else 0 end) as cancelled_amount,
        sum(invoice_parts.amount) as net_spend
    from invoice_parts
    inner join periods
        on
            invoice_parts.invoiced_at < periods.period_end
            and (periods.period_start is null or invoice_parts.invoiced_at >= periods.period_start)
    group by invoice_parts.customer_id, periods.period_end

),

customer_first_periods as (

    select
        customer_id,
        min(period_end) as first_period_end
    from customer_periods
    group by customer_id

),

customer_snapshots as (

    select
        customer_first_periods.customer_id,
        snapshots.as_of_date,
        snapshots.inputs_digest
    from customer_first_periods
    inner join snapshots on customer_first_periods.first_period_end <= snapshots.as_of_date

),

accumulated as (

    select
        customer_snapshots.customer_id,
        customer_snapshots.as_of_date,
        customer_snapshots.inputs_digest,
        min(customer_periods.first_purchase_at) over customer_to_date as first_purchase_at,
        max(customer_periods.last_purchase_at) over customer_to_date as last_purchase_at,
        cast(
            sum(coalesce(customer_periods.purchase_invoices, 0)) over customer_to_date as {{ dbt.type_bigint() }}
        ) as frequency,
        sum(coalesce(customer_periods.gross_spend, 0)) over customer_to_date as gross_spend,
        sum(coalesce(customer_periods.cancelled_amount, 0)) over customer_to_date as cancelled_amount,
        sum(coalesce(customer_periods.net_spend, 0)) over customer_to_date as monetary
    from customer_snapshots
    left join customer_periods
        on
            customer_snapshots.customer_id = customer_periods.customer_id
            and customer_snapshots.as_of_date = customer_periods.period_end
    window customer_to_date as (
        partition by customer_snapshots.customer_id
        order by customer_snapshots.as_of_date
        rows between unbounded preceding and current row
    )

),

recent_revenue as (

    select
        invoice_parts.customer_id,
        snapshots.as_of_date,
        sum(invoice_parts.amount) as revenue_previous_90_days
    from invoice_parts
    inner join snapshots
        on
            invoice_parts.invoiced_at < snapshots.as_of_date
            and invoice_parts.invoiced_at >= {{ dbt.dateadd('day', -90, 'snapshots.as_of_date') }}
    group by invoice_parts.customer_id, snapshots.as_of_date

),

customer_recency as (

    select
        accumulated.customer_id,
        accumulated.as_of_date,
        accumulated.inputs_digest,
        accumulated.first_purchase_at,
        accumulated.last_purchase_at,
        {{ dbt.datediff('cast(accumulated.last_purchase_at as date)', 'accumulated.as_of_date', 'day') }}
            as recency_days,
        accumulated.frequency,
        accumulated.gross_spend,
        accumulated.cancelled_amount,
        accumulated.monetary,
        coalesce(recent_revenue.revenue_previous_90_days, 0) as revenue_previous_90_days,
        case
            when {{ shopper_spectrum.is_segmentable('accumulated.frequency', 'accumulated.monetary') }}
                then 'active'
            else 'no_net_spend'
        end as customer_status
    from accumulated
    left join recent_revenue
        on
            accumulated.customer_id = recent_revenue.customer_id
            and accumulated.as_of_date = recent_revenue.as_of_date

),

scored_customers as (

    -- active customers' 1-5 scores: their quintile among the month's active customers
    select
        customer_id,
        as_of_date,
        inputs_digest,
        first_purchase_at,
        last_purchase_at,
        recency_days,
        frequency,
        gross_spend,
        cancelled_amount,
        monetary,
        revenue_previous_90_days,
        customer_status,
        case
            when customer_status = 'active'
                then {{ quintile_score(rank_by.format('recency_days desc'), peers) }}
        end as r_score,
        case
            when customer_status = 'active'
                then {{ quintile_score(rank_by.format('frequency asc'), peers) }}
        end as f_score,
        case
            when customer_status = 'active'
                then {{ quintile_score(rank_by.format('monetary asc'), peers) }}
        end as m_score
    from customer_recency

)

select
    inputs_digest,
    as_of_date,
    customer_id,
    first_purchase_at,
    last_purchase_at,
    recency_days,
    frequency,
    gross_spend,
    cancelled_amount,
    monetary,
    revenue_previous_90_days,
    customer_status,
    cast(r_score as {{ dbt.type_int() }}) as r_score,
    cast(f_score as {{ dbt.type_int() }}) as f_score,
    cast(m_score as {{ dbt.type_int() }}) as m_score
from scored_customers
