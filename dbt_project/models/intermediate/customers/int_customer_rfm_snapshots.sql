{#-
  RFM of every customer at every snapshot date (int_snapshot_dates), by the same rules at every
  date so that months compare: recency in days to the snapshot's date, frequency in purchase
  invoices, monetary net of cancellations, the net revenue of the 90 days before the snapshot,
  1-5 quintile scores among that snapshot's customers and the classic RFM segment.
  fct_customer_rfm is the latest snapshot.

  A customer appears from the first snapshot after their first sales line. An invoice counts from
  the time of its first line. Each invoice is summed once, into the period between the two
  snapshots it falls in, and the periods are accumulated, so the work grows with invoices and
  customers, not with invoices × snapshots.

  Scores are quintiles by percent rank among a snapshot's customers with net spend:
  1 + floor(5 × percent_rank), capped at 5, so ties always share a score (the lower one) and 5 is
  best (most recent, most orders, highest spend). Customers whose net spend is not positive keep
  their row (customer_status no_net_spend) but get no scores.
-#}
{%- set peers = 'count(*) over (partition by months_back, customer_status)' -%}
{%- set rank_by = 'rank() over (partition by months_back, customer_status order by {})' -%}
with snapshots as (

    select
        months_back,
        as_of_date
    from {{ ref('int_snapshot_dates') }}

),

periods as (

    -- the invoices a snapshot adds to the one before it; the oldest takes all earlier ones
    select
        months_back as period,
        as_of_date as period_end,
        lead(as_of_date) over (order by months_back) as period_start
    from snapshots

),

invoices as (

    select
        customer_id,
        invoice_id,
        is_cancellation,
        min(invoiced_at) as invoiced_at,
        max(invoiced_at) as last_line_at,
        sum(amount) as amount
    from {{ ref('int_sales_lines') }}
    group by customer_id, invoice_id, is_cancellation

),

customer_periods as (

    select
        invoices.customer_id,
        periods.period,
        min(case when not invoices.is_cancellation then invoices.invoiced_at end) as first_purchase_at,
        max(case when not invoices.is_cancellation then invoices.last_line_at end) as last_purchase_at,
        count(case when not invoices.is_cancellation then invoices.invoice_id end) as purchase_invoices,
        sum(case when not invoices.is_cancellation then invoices.amount else 0 end) as gross_spend,
        sum(case when invoices.is_cancellation then -invoices.amount else 0 end) as cancelled_amount,
        sum(invoices.amount) as net_spend
    from invoices
    inner join periods
        on
            invoices.invoiced_at < periods.period_end
            and (periods.period_start is null or invoices.invoiced_at >= periods.period_start)
    group by invoices.customer_id, periods.period

),

customer_first_periods as (

    select
        customer_id,
        max(period) as first_period
    from customer_periods
    group by customer_id

),

customer_snapshots as (

    select
        customer_first_periods.customer_id,
        snapshots.months_back,
        snapshots.as_of_date
    from customer_first_periods
    inner join snapshots on customer_first_periods.first_period >= snapshots.months_back

),

accumulated as (

    select
        customer_snapshots.customer_id,
        customer_snapshots.months_back,
        customer_snapshots.as_of_date,
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
            and customer_snapshots.months_back = customer_periods.period
    window customer_to_date as (
        partition by customer_snapshots.customer_id
        order by customer_snapshots.months_back desc
        rows between unbounded preceding and current row
    )

),

recent_revenue as (

    select
        invoices.customer_id,
        snapshots.months_back,
        sum(invoices.amount) as revenue_previous_90_days
    from invoices
    inner join snapshots
        on
            invoices.invoiced_at < snapshots.as_of_date
            and invoices.invoiced_at >= {{ dbt.dateadd('day', -90, 'snapshots.as_of_date') }}
    group by invoices.customer_id, snapshots.months_back

),

customer_recency as (

    select
        accumulated.customer_id,
        accumulated.months_back,
        accumulated.as_of_date,
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
            and accumulated.months_back = recent_revenue.months_back

),

scored_customers as (

    -- active customers' 1-5 scores: their quintile among the month's active customers
    select
        customer_id,
        months_back,
        as_of_date,
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
    scored_customers.customer_id,
    scored_customers.months_back,
    scored_customers.as_of_date,
    scored_customers.first_purchase_at,
    scored_customers.last_purchase_at,
    scored_customers.recency_days,
    scored_customers.frequency,
    scored_customers.gross_spend,
    scored_customers.cancelled_amount,
    scored_customers.monetary,
    scored_customers.revenue_previous_90_days,
    scored_customers.customer_status,
    cast(scored_customers.r_score as {{ dbt.type_int() }}) as r_score,
    cast(scored_customers.f_score as {{ dbt.type_int() }}) as f_score,
    cast(scored_customers.m_score as {{ dbt.type_int() }}) as m_score,
    score_segments.rfm_segment
from scored_customers
left join {{ ref('int_rfm_score_segments') }} as score_segments
    on
        scored_customers.r_score = score_segments.r_score
        and scored_customers.f_score = score_segments.f_score
        and scored_customers.m_score = score_segments.m_score
