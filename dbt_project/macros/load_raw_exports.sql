{#-
  Loads the raw exports that var raw_path names into the source table online_retail.invoice_lines,
  once per dbt invocation, at run start. Every engine gives the same table: the eight "Online Retail"
  columns as text, plus raw_line_id, source_file, source_sheet, source_row_number and source_layout.
-#}
{% macro load_raw_exports() %}
    {{ return(adapter.dispatch('load_raw_exports', 'shopper_spectrum')()) }}
{% endmacro %}

{#-
  DuckDB: drop the raw table, then resolve the source, which makes the raw_exports plugin
  (shopper_spectrum.ingest) read raw_path into it. The source is declared with save_mode ignore, so
  later source() calls in the same run reuse this table instead of reading the files again — and
  unit tests of the staging model find the table's columns on a fresh database.
-#}
{% macro default__load_raw_exports() %}
    {% if execute %}
        {% do run_query('drop table if exists ' ~ target.database ~ '.raw.raw_invoice_lines') %}
        {% do source('online_retail', 'invoice_lines') %}
    {% endif %}
{% endmacro %}
