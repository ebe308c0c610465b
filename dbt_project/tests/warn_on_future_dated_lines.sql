{{ config(severity='warn') }}
{#-
  Lines dated after the day of the build (a mistyped year?) are kept out of every mart
  (disposition future_dated) and out of the default as-of date; each is listed here.
-#}
select
    source_file,
    source_sheet,
    source_row_number,
    invoice_id,
    invoiced_at
from {{ ref('int_invoice_lines__dispositioned') }}
where disposition = 'future_dated'
