{#- Every customer's segment as of the build's as-of date: the latest snapshot of the history. -#}

select
    customer_id,
    recency_days,
    frequency,
    monetary,
    segment_status,
    cluster_id,
    segment,
    distance_to_centroid
from {{ ref('fct_customer_segment_history') }}
where months_back = 0
