{#- RFM per customer as of the build's as-of date: the latest snapshot of int_customer_rfm_snapshots. -#}
select
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
    r_score,
    f_score,
    m_score,
    rfm_segment,
    as_of_date
from {{ ref('int_customer_rfm_snapshots') }}
where months_back = 0
