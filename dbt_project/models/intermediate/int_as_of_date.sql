{#-
  The build's as-of date: the dbt var as_of_date (YYYY-MM-DD) or, by default, the day after the
  last parseable invoice. Lines on or after it are left out of every mart, so any past snapshot
  can be rebuilt and backtested.
-#}
{%- set day_after_last_invoice = dbt.dateadd('day', 1, 'cast(last_invoiced_at as date)') -%}
{%- set as_of_date = "'" ~ var('as_of_date') ~ "'" if var('as_of_date', none) else day_after_last_invoice -%}

with invoice_dates as (

    select max(invoiced_at) as last_invoiced_at
    from {{ ref('stg_online_retail__invoice_lines') }}

)

select
    cast({{ as_of_date }} as date) as as_of_date,
    last_invoiced_at
from invoice_dates
