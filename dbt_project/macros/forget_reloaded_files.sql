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

{#- The files whose typed lines the table keeps: typed from the load the export files list now. -#}
{% macro current_typed_files() -%}
    select typed.source_file
    from {{ shopper_spectrum.typed_files_relation() }} as typed
    inner join {{ source('online_retail', 'export_files') }} as loaded
        on typed.source_file = loaded.source_file and typed.loaded_at = loaded.loaded_at
{%- endmacro %}

{% macro forget_reloaded_files() %}
    {%- if is_incremental() -%}
        {%- if load_relation(shopper_spectrum.typed_files_relation()) is none -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where source_file not in ({{ shopper_spectrum.current_typed_files() }})
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#-
  The files whose lines the model types in this build, named when it compiles (before the
  pre-hook forgets the reloaded ones): every listed file but those the table holds and keeps.
  None when it cannot name them (a first build or a full refresh, which type every line; no
  record of typed files; a unit test, which has no export files): the model then filters by a
  subquery. Named in the query, the filter reaches the export's reading, so only the new files'
  lines are typed; the subquery types every line before filtering (at 10M lines 0.85 s where
  this takes 0.1 s).
-#}
{% macro files_to_type(lines) %}
    {%- if not (execute and is_incremental()) or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if load_relation(shopper_spectrum.typed_files_relation()) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set new_files -%}
        select distinct listed.source_file
        from {{ lines }} as listed
        where listed.source_file not in (
            select distinct kept.source_file
            from {{ this }} as kept
            where kept.source_file in ({{ shopper_spectrum.current_typed_files() }})
        )
        order by listed.source_file
    {%- endset -%}
    {{ return(run_query(new_files).columns[0].values() | list) }}
{% endmacro %}

{% macro record_typed_files() %}
    {%- if target.type == 'duckdb' -%}
        create or replace table {{ shopper_spectrum.typed_files_relation() }} as
        select distinct source_file, loaded_at
        from {{ source('online_retail', 'export_files') }}
    {%- endif -%}
{% endmacro %}
