{#-
  The build's as-of date: the dbt var as_of_date (YYYY-MM-DD) or, by default, the day after the
  last invoice that is not dated after the build's own day — never later than that day, so one
  line with a wrong (future) date cannot make every customer look lapsed. Lines on or after it
  are left out of every mart, so any past snapshot can be rebuilt and backtested.

  The build's day is the dbt var build_date (YYYY-MM-DD) or, by default, the day (UTC) it runs:
  set, it reproduces an earlier day's run, and every build of one test run dates lines alike.
-#}
{%- set build_day = shopper_spectrum.date_var('build_date') or run_started_at.strftime('%Y-%m-%d') -%}
{%- set build_date = "cast('" ~ build_day ~ "' as date)" -%}
{%- set day_after_last_invoice = dbt.dateadd('day', 1, 'cast(last_invoiced_at as date)') -%}
{%- set default_as_of = 'least(' ~ day_after_last_invoice ~ ', build_date)' -%}
{%- set as_of_day = shopper_spectrum.date_var('as_of_date') -%}
{%- set as_of_date = "'" ~ as_of_day ~ "'" if as_of_day else default_as_of -%}
with build_day as (

    select {{ build_date }} as build_date

),

invoice_dates as (

    select max(lines.invoiced_at) as last_invoiced_at
    from {{ ref('int_invoice_lines__duplicates_flagged') }} as lines
    cross join build_day
    where cast(lines.invoiced_at as date) <= build_day.build_date

),

dated as (

    select
        invoice_dates.last_invoiced_at,
        build_day.build_date
    from invoice_dates
    cross join build_day

)

select
    cast({{ as_of_date }} as date) as as_of_date,
    last_invoiced_at,
    build_date
from dated
