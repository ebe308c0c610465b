{{ config(materialized="view") }}

{#-
  The dates customer history is kept for: the build's as-of date (months_back 0) and the
  segment_history_months - 1 month-ends before it (months_back 1, 2, …, each the first day of a
  month: like the as-of date, a snapshot holds the lines before its date). When the as-of date is
  itself the first of a month, every snapshot is a month-end.

  inputs_digest changes with the date and with any sales line before it, and with no later line:
  a closed month's snapshot is kept from build to build (int_customer_rfm_at_dates), and a day's
  build makes only the as-of date's.
-#}
with build_as_of as (

    select as_of_date
    from {{ ref('int_as_of_date') }}

),

months as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as months_back
    from ({{ dbt.generate_series(var('segment_history_months')) }}) as series

),

snapshot_dates as (

    select
        months.months_back,
        case
            when months.months_back = 0 then build_as_of.as_of_date
            else cast({{ dbt.dateadd(
                'month',
                '1 - months.months_back',
                dbt.date_trunc('month', dbt.dateadd('day', -1, 'build_as_of.as_of_date'))
            ) }} as date)
        end as as_of_date
    from months
    cross join build_as_of

),

line_digests as (

    {{ shopper_spectrum.lines_before('snapshot_dates', 'months_back', 'sets.as_of_date') }}

)

select
    snapshot_dates.months_back,
    snapshot_dates.as_of_date,
    {{ shopper_spectrum.lines_digest(
        'snapshot_dates.as_of_date', 'line_digests.lines', 'line_digests.line_hash_sum'
    ) }} as inputs_digest
from snapshot_dates
left join line_digests on snapshot_dates.months_back = line_digests.months_back
