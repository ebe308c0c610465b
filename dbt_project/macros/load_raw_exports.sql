{#-
  Loads the raw exports that var raw_path names into the source table online_retail.invoice_lines,
  once per dbt invocation, at run start. Every engine gives the same table: the logical fields
  (invoice, product, ..., line_amount) as text, plus raw_line_id, source_file, source_sheet,
  source_row_number, source_layout, date_order and load_error.
-#}
{% macro load_raw_exports() %}
    {{ return(adapter.dispatch('load_raw_exports', 'shopper_spectrum')()) }}
{% endmacro %}

{#-
  DuckDB: set the last build's file manifest aside (as raw_export_files__previous; dropped under
  --full-refresh), then resolve the manifest as a source, which makes the raw_exports plugin
  (shopper_spectrum.ingest) load the lines of the files added since into raw_invoice_lines beside
  it — or of every file, when one changed (the plugin says why). The manifest is declared with
  save_mode ignore, so later source() calls in the same run reuse it instead of reading again.
-#}
{% macro default__load_raw_exports() %}
    {#-
      Only commands that run nodes on the data load: compile, docs and show leave the raw tables
      as the last build left them (dbt compile renders this hook twice at once).
    -#}
    {% if execute and runs_nodes() %}
        {%- set manifest = raw_exports_manifest() -%}
        {%- set previous = manifest.incorporate(path={'identifier': 'raw_export_files__previous'}) -%}
        {% do run_query('create schema if not exists ' ~ manifest.without_identifier()) %}
        {% do run_query('drop table if exists ' ~ previous) %}
        {% if flags.FULL_REFRESH %}
            {% do run_query('drop table if exists ' ~ manifest) %}
        {% else %}
            {% do run_query('alter table if exists ' ~ manifest ~ ' rename to ' ~ previous.identifier) %}
        {% endif %}
        {% do source('online_retail', 'export_files') %}
    {% endif %}
{% endmacro %}

{#- Whether this dbt command runs nodes on the data (compile, docs and show do not). -#}
{% macro runs_nodes() %}
    {{ return(flags.WHICH in ['build', 'run', 'test', 'seed', 'snapshot', 'retry']) }}
{% endmacro %}

{#-
  A table of the build's raw schema, named without source(). Quoted: a database named after a
  file like shop-2011.duckdb is not a bare identifier.
-#}
{% macro raw_schema_relation(identifier) %}
    {{ return(api.Relation.create(
        database=target.database, schema='raw', identifier=identifier
    ).quote(database=true, schema=true, identifier=true)) }}
{% endmacro %}

{#- The file manifest (named without source(), which would load the files). -#}
{% macro raw_exports_manifest() %}
    {{ return(raw_schema_relation('raw_export_files')) }}
{% endmacro %}
