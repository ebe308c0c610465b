{#-
  For every pair of snapshot dates and each segmentation, the transitions add up to the customers
  present at both dates: counted here directly from the history, without the transitions' join.
-#}
with present_at_both as (

    select
        earlier.months_back as from_months_back,
        later.months_back as to_months_back,
        count(*) as customers
    from {{ ref('fct_customer_segment_history') }} as earlier
    inner join {{ ref('fct_customer_segment_history') }} as later
        on
            earlier.customer_id = later.customer_id
            and earlier.months_back > later.months_back
    group by earlier.months_back, later.months_back

),

transition_totals as (

    select
        segmentation,
        from_months_back,
        to_months_back,
        sum(customers) as customers
    from {{ ref('segment_transitions') }}
    group by segmentation, from_months_back, to_months_back

),

segmentations as (

    select 'cluster' as segmentation
    union all
    select 'rfm' as segmentation

)

select
    segmentations.segmentation,
    present_at_both.from_months_back,
    present_at_both.to_months_back,
    present_at_both.customers as present_at_both_dates,
    transition_totals.customers as in_transitions
from present_at_both
cross join segmentations
left join transition_totals
    on
        segmentations.segmentation = transition_totals.segmentation
        and present_at_both.from_months_back = transition_totals.from_months_back
        and present_at_both.to_months_back = transition_totals.to_months_back
where transition_totals.customers is null or transition_totals.customers != present_at_both.customers
