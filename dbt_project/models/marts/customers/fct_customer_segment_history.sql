{#-
  Every customer at every monthly snapshot, with the segment the current build's model gives the
  snapshot's R/F/M: the nearest centroid of segment_model by segment_squared_distance (the same
  arithmetic as predict_segment), ties to the lower cluster id. One model for every month, so a
  change of segment is a change in the customer. Customers without net spend are not segmented
  (no_net_spend); with no model (too few customers) nobody is (too_few_customers).
-#}

with snapshots as (

    select
        customer_id,
        months_back,
        as_of_date,
        recency_days,
        frequency,
        monetary,
        revenue_previous_90_days,
        customer_status,
        r_score,
        f_score,
        m_score,
        rfm_segment
    from {{ ref('int_customer_rfm_snapshots') }}

),

segment_model as (

    select
        cluster_id,
        segment,
        center_recency,
        center_frequency,
        center_monetary,
        log_mean_recency,
        log_scale_recency,
        log_mean_frequency,
        log_scale_frequency,
        log_mean_monetary,
        log_scale_monetary
    from {{ ref('segment_model') }}

),

candidate_segments as (

    select
        snapshots.customer_id,
        snapshots.months_back,
        segment_model.cluster_id,
        {{ shopper_spectrum.segment_squared_distance(
            'snapshots.recency_days', 'snapshots.frequency', 'snapshots.monetary', 'segment_model'
        ) }} as squared_distance
    from snapshots
    cross join segment_model
    where snapshots.customer_status = 'active'

),

nearest_clusters as (

    -- ties to the lower cluster id
    select
        customer_id,
        months_back,
        {{ shopper_spectrum.value_at_least('cluster_id', ['squared_distance', 'cluster_id']) }} as cluster_id,
        sqrt(min(squared_distance)) as distance_to_centroid
    from candidate_segments
    group by customer_id, months_back

),

nearest_segments as (

    select
        nearest_clusters.customer_id,
        nearest_clusters.months_back,
        nearest_clusters.cluster_id,
        segment_model.segment,
        nearest_clusters.distance_to_centroid
    from nearest_clusters
    inner join segment_model on nearest_clusters.cluster_id = segment_model.cluster_id

)

select
    snapshots.customer_id,
    snapshots.months_back,
    snapshots.as_of_date,
    snapshots.recency_days,
    snapshots.frequency,
    snapshots.monetary,
    snapshots.revenue_previous_90_days,
    snapshots.customer_status,
    snapshots.r_score,
    snapshots.f_score,
    snapshots.m_score,
    snapshots.rfm_segment,
    case
        when snapshots.customer_status != 'active' then 'no_net_spend'
        when nearest_segments.segment is null then 'too_few_customers'
        else 'segmented'
    end as segment_status,
    nearest_segments.segment,
    nearest_segments.cluster_id,
    nearest_segments.distance_to_centroid,
    -- every row gets a label, so that transitions and lists account for every customer
    coalesce(
        nearest_segments.segment,
        case when snapshots.customer_status = 'active' then 'Not segmented' else 'No net spend' end
    ) as segment_label,
    coalesce(snapshots.rfm_segment, 'No net spend') as rfm_segment_label
from snapshots
left join nearest_segments
    on
        snapshots.customer_id = nearest_segments.customer_id
        and snapshots.months_back = nearest_segments.months_back
