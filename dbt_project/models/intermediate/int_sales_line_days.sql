{#-
  Each day's sales lines as a count and a sum of their fingerprints: what a digest of "every
  sales line before a date" is summed from (int_recommendation_training_sets for each training
  set, int_snapshot_dates for each customer snapshot). A line changes its day's sum when any
  field a set is made from changes, so a digest moves with any line before its date and with no
  line after it.
-#}
{%- set line_fields = ['raw_line_id', 'invoice_id', 'customer_id', 'product_code', 'invoiced_at',
                       'quantity', 'unit_price', 'is_cancellation'] -%}
select
    invoice_date,
    count(*) as lines,
    sum(cast({{ shopper_spectrum.fingerprint(line_fields) }} % 2147483647 as {{ dbt.type_bigint() }}))
        as line_hash_sum
from {{ ref('int_sales_lines') }}
group by invoice_date
