{#-
  Who moved: for every pair of snapshot dates (from earlier to later), how many customers went
  from each segment to each other one (or stayed), and the net revenue those customers brought in
  the 90 days before each date — what was at stake. Both segmentations: the model's clusters
  (segmentation = 'cluster', from fct_customer_segment_history.segment) and the classic RFM map
  (segmentation = 'rfm'). Only customers present at both dates count, once per pair of dates;
  customers without a segment count under the history's label for them (No net spend, Not segmented).
-#}

{%- set from_months_back = var('segment_transition_from_months_back') | int -%}
{%- set to_months_back = var('segment_transition_to_months_back') | int -%}
{%- if from_months_back <= to_months_back or to_months_back < 0
    or from_months_back >= var('segment_history_months') | int -%}
    {{ exceptions.raise_compiler_error(
        "segment_transition_from_months_back (" ~ from_months_back ~ ") must be more months back "
        ~ "than segment_transition_to_months_back (" ~ to_months_back ~ "), and both within the "
        ~ "segment_history_months (" ~ var('segment_history_months') ~ ") kept."
    ) }}
{%- endif %}

with history as (

    select
        customer_id,
        months_back,
        as_of_date,
        segment_label,
        rfm_segment_label,
        revenue_previous_90_days
    from {{ ref('fct_customer_segment_history') }}

),

customer_pairs as (

    -- a customer at two dates, once for both segmentations
    select
        from_snapshot.months_back as from_months_back,
        to_snapshot.months_back as to_months_back,
        from_snapshot.as_of_date as from_date,
        to_snapshot.as_of_date as to_date,
        from_snapshot.segment_label as from_cluster_segment,
        to_snapshot.segment_label as to_cluster_segment,
        from_snapshot.rfm_segment_label as from_rfm_segment,
        to_snapshot.rfm_segment_label as to_rfm_segment,
        from_snapshot.revenue_previous_90_days as revenue_before_from_date,
        to_snapshot.revenue_previous_90_days as revenue_before_to_date
    from history as from_snapshot
    inner join history as to_snapshot
        on
            from_snapshot.customer_id = to_snapshot.customer_id
            and from_snapshot.months_back > to_snapshot.months_back

),

customer_moves as (

    select
        'cluster' as segmentation,
        from_months_back,
        to_months_back,
        from_date,
        to_date,
        from_cluster_segment as from_segment,
        to_cluster_segment as to_segment,
        revenue_before_from_date,
        revenue_before_to_date
    from customer_pairs
    union all
    select
        'rfm' as segmentation,
        from_months_back,
        to_months_back,
        from_date,
        to_date,
        from_rfm_segment as from_segment,
        to_rfm_segment as to_segment,
        revenue_before_from_date,
        revenue_before_to_date
    from customer_pairs

)

-- one row per pair of dates and pair of segments; a segment's share is of the customers it held
select
    segmentation,
    from_months_back,
    to_months_back,
    from_date,
    to_date,
    from_segment,
    to_segment,
    from_segment != to_segment as is_move,
    count(*) as customers,
    count(*) * 1.0 / sum(count(*)) over (
        partition by segmentation, from_months_back, to_months_back, from_segment
    ) as share_of_from_segment,
    sum(revenue_before_from_date) as revenue_90_days_before_from,
    sum(revenue_before_to_date) as revenue_90_days_before_to,
    from_months_back = {{ from_months_back }} and to_months_back = {{ to_months_back }} as is_default_pair
from customer_moves
group by
    segmentation, from_months_back, to_months_back, from_date, to_date, from_segment, to_segment
