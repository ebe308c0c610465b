{#-
  Pre-hook of the models that keep raw lines between builds (int_invoice_lines__duplicates_flagged):
  delete the rows of files the loader read in this run (every file, when it reloaded them all)
  and of files no longer listed; the model then appends the lines of the files it does not hold.
-#}
{% macro forget_reloaded_files() %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where source_file not in (
            select kept.source_file
            from {{ source('online_retail', 'export_files') }} as kept
            where not kept.loaded_in_this_run
        )
    {%- endif -%}
{% endmacro %}
