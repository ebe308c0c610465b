{{ config(materialized="view") }}

{#-
  The dates customer history is kept for: the build's as-of date (months_back 0) and the same day
  of each of the previous segment_history_months - 1 months. When the as-of date is the first of a
  month (an export of whole months), every snapshot is a month-end. Like the as-of date, each is
  exclusive: a snapshot holds the lines before it.
-#}
with build_as_of as (

    select as_of_date
    from {{ ref('int_as_of_date') }}

),

months as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as months_back
    from ({{ dbt.generate_series(var('segment_history_months')) }}) as series

)

select
    months.months_back,
    cast({{ dbt.dateadd('month', '-1 * months.months_back', 'build_as_of.as_of_date') }} as date) as as_of_date
from months
cross join build_as_of
