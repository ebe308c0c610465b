{#-
  The dates segment history is kept for (months_back 0 is the build's as-of date), with the
  customers present at each, and the build's own dates: what the viewer offers to compare.
-#}
with snapshot_customers as (

    select
        months_back,
        count(*) as customers,
        count(case when customer_status = 'active' then customer_id end) as active_customers
    from {{ ref('int_customer_rfm_snapshots') }}
    group by months_back

)

select
    snapshots.months_back,
    snapshots.as_of_date,
    coalesce(snapshot_customers.customers, 0) as customers,
    coalesce(snapshot_customers.active_customers, 0) as active_customers,
    snapshots.months_back = {{ var('segment_transition_from_months_back') }} as is_default_from_date,
    snapshots.months_back = {{ var('segment_transition_to_months_back') }} as is_default_to_date,
    build_as_of.last_invoiced_at,
    build_as_of.build_date
from {{ ref('int_snapshot_dates') }} as snapshots
cross join {{ ref('int_as_of_date') }} as build_as_of
left join snapshot_customers on snapshots.months_back = snapshot_customers.months_back
