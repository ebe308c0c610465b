{#-
  Loads the raw exports once per dbt invocation, at run start: drop the raw table, then resolve
  the source, which makes the raw_exports plugin read raw_path into it. The source is declared with
  save_mode ignore, so later source() calls in the same run reuse this table instead of reading the
  files again — and unit tests of the staging model find the table's columns on a fresh database.
-#}
{% macro load_raw_exports() %}
    {% if execute %}
        {% do run_query('drop table if exists ' ~ target.database ~ '.raw.raw_invoice_lines') %}
        {% do source('online_retail', 'invoice_lines') %}
    {% endif %}
{% endmacro %}
