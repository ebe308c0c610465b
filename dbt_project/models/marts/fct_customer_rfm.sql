{#-
  RFM per customer, as of the build's as-of date. Scores are quintiles by percent rank among
  customers with net spend: 1 + floor(5 × percent_rank), capped at 5, so ties always share a
  score (the lower one) and 5 is best (most recent, most orders, highest spend). Customers whose
  net spend is not positive keep their row (customer_status no_net_spend) but get no scores.
-#}
with sales_lines as (

    select
        customer_id,
        invoice_id,
        invoiced_at,
        amount,
        is_cancellation
    from {{ ref('int_sales_lines') }}

),

as_of as (

    select as_of_date
    from {{ ref('int_as_of_date') }}

),

customer_totals as (

    select
        customer_id,
        min(case when not is_cancellation then invoiced_at end) as first_purchase_at,
        max(case when not is_cancellation then invoiced_at end) as last_purchase_at,
        count(distinct case when not is_cancellation then invoice_id end) as frequency,
        sum(case when not is_cancellation then amount else 0 end) as gross_spend,
        sum(case when is_cancellation then -amount else 0 end) as cancelled_amount,
        sum(amount) as monetary
    from sales_lines
    group by customer_id

),

customer_recency as (

    select
        customer_totals.customer_id,
        customer_totals.first_purchase_at,
        customer_totals.last_purchase_at,
        {{ dbt.datediff('cast(customer_totals.last_purchase_at as date)', 'as_of.as_of_date', 'day') }}
            as recency_days,
        customer_totals.frequency,
        customer_totals.gross_spend,
        customer_totals.cancelled_amount,
        customer_totals.monetary,
        case
            when customer_totals.frequency > 0 and customer_totals.monetary > 0 then 'active'
            else 'no_net_spend'
        end as customer_status,
        as_of.as_of_date
    from customer_totals
    cross join as_of

),

ranked_customers as (

    select
        customer_id,
        first_purchase_at,
        last_purchase_at,
        recency_days,
        frequency,
        gross_spend,
        cancelled_amount,
        monetary,
        customer_status,
        as_of_date,
        count(*) over (partition by customer_status) as peers,
        rank() over (partition by customer_status order by recency_days desc) as recency_rank,
        rank() over (partition by customer_status order by frequency asc) as frequency_rank,
        rank() over (partition by customer_status order by monetary asc) as monetary_rank
    from customer_recency

),

scored_customers as (

    select
        customer_id,
        first_purchase_at,
        last_purchase_at,
        recency_days,
        frequency,
        gross_spend,
        cancelled_amount,
        monetary,
        customer_status,
        as_of_date,
        case when customer_status = 'active' then {{ quintile_score('recency_rank', 'peers') }} end as r_score,
        case when customer_status = 'active' then {{ quintile_score('frequency_rank', 'peers') }} end as f_score,
        case when customer_status = 'active' then {{ quintile_score('monetary_rank', 'peers') }} end as m_score
    from ranked_customers

)

select
    scored_customers.customer_id,
    scored_customers.first_purchase_at,
    scored_customers.last_purchase_at,
    scored_customers.recency_days,
    scored_customers.frequency,
    scored_customers.gross_spend,
    scored_customers.cancelled_amount,
    scored_customers.monetary,
    scored_customers.customer_status,
    cast(scored_customers.r_score as {{ dbt.type_int() }}) as r_score,
    cast(scored_customers.f_score as {{ dbt.type_int() }}) as f_score,
    cast(scored_customers.m_score as {{ dbt.type_int() }}) as m_score,
    score_segments.rfm_segment,
    scored_customers.as_of_date
from scored_customers
left join {{ ref('int_rfm_score_segments') }} as score_segments
    on
        scored_customers.r_score = score_segments.r_score
        and scored_customers.f_score = score_segments.f_score
        and scored_customers.m_score = score_segments.m_score
