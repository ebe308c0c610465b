{{ config(materialized="view") }}

{#-
  RFM of every customer at every snapshot date, numbered by months back from the build's as-of
  date, with the classic RFM segment of their scores. A view over the dates' stored snapshots
  (int_customer_rfm_at_dates), so that a month-end kept from an earlier build takes its new
  number when a month passes, and a changed segment rule relabels it without making it again.
  fct_customer_rfm is months_back 0.
-#}
select
    snapshots.customer_id,
    snapshot_dates.months_back,
    snapshots.as_of_date,
    snapshots.first_purchase_at,
    snapshots.last_purchase_at,
    snapshots.recency_days,
    snapshots.frequency,
    snapshots.gross_spend,
    snapshots.cancelled_amount,
    snapshots.monetary,
    snapshots.revenue_previous_90_days,
    snapshots.customer_status,
    snapshots.r_score,
    snapshots.f_score,
    snapshots.m_score,
    score_segments.rfm_segment
from {{ ref('int_customer_rfm_at_dates') }} as snapshots
inner join {{ ref('int_snapshot_dates') }} as snapshot_dates
    on snapshots.inputs_digest = snapshot_dates.inputs_digest
left join {{ ref('int_rfm_score_segments') }} as score_segments
    on
        snapshots.r_score = score_segments.r_score
        and snapshots.f_score = score_segments.f_score
        and snapshots.m_score = score_segments.m_score
