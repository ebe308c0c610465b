{#-
  The hooks of the model that keeps typed lines between builds (int_invoice_lines__duplicates_flagged),
  on DuckDB. Any dbt command may load files (the on-run-start hook), not only one that builds this
  model, so the model records which load of each file it typed (raw_export_files__typed: source
  file, loaded_at) and, before the next append, deletes the rows of every file whose lines were
  loaded again since, or that is no longer listed. The model then appends the files it does not hold.
-#}
{% macro typed_files_relation() %}
    {{ return(source('online_retail', 'export_files').incorporate(
        path={'identifier': 'raw_export_files__typed'}
    )) }}
{% endmacro %}

{% macro forget_reloaded_files() %}
    {%- if is_incremental() -%}
        {%- set typed = shopper_spectrum.typed_files_relation() -%}
        {%- if load_relation(typed) is none -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where source_file not in (
                select typed.source_file
                from {{ typed }} as typed
                inner join {{ source('online_retail', 'export_files') }} as loaded
                    on typed.source_file = loaded.source_file and typed.loaded_at = loaded.loaded_at
            )
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{% macro record_typed_files() %}
    {%- if target.type == 'duckdb' -%}
        create or replace table {{ shopper_spectrum.typed_files_relation() }} as
        select distinct source_file, loaded_at
        from {{ source('online_retail', 'export_files') }}
    {%- endif -%}
{% endmacro %}
