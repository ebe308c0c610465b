{#-
  Every raw line with exactly one disposition, decided in this order (first match wins):
  unparseable > dated after the build's own day > on or after the as-of date > duplicate of a
  line in another file or sheet > exact duplicate > non-product code > non-positive price >
  guest (no customer) > cancellation > non-positive quantity > purchase.
-#}
{#-
  The lines and their duplicates come from int_invoice_lines__duplicates_flagged, which keeps them
  between builds; what depends on the build's dates and on the seed is decided here, so moving the
  as-of date or editing the seed never needs a line typed again.

  On DuckDB a daily run makes again only the new lines and those the as-of date or the build's
  day may move (macros/dispositioned_lines.sql); otherwise every line.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='delete+insert',
    unique_key='raw_line_id',
    pre_hook="{{ shopper_spectrum.start_dispositions_over_if_moved() }}",
    post_hook="{{ shopper_spectrum.record_disposition_inputs() }}"
) }}
{%- if shopper_spectrum.is_made_by_changes() %}
{{ shopper_spectrum.dispositioned_lines(record=shopper_spectrum.made_from_record()) }}
{%- else %}
{{ shopper_spectrum.dispositioned_lines() }}
{%- endif %}
