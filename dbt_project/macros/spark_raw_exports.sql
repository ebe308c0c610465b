{#-
  Spark: Spark reads the files itself (CSV and CSV.gz, or Parquet; one file or a glob), or
  selects from a table (var raw_relation), so exports of any size never pass through the driver
  or a dbt seed. Layouts are the vars raw_layouts / raw_columns, which the DuckDB loader reads
  too; each CSV file's header is matched on its own, so a glob may mix layouts and column orders.
  Day-first slash dates are settled per file, as on DuckDB. Rows that do not split into the
  header's fields are not kept aside here (the DuckDB loader audits them): fix such a file there.
-#}
{% macro spark__load_raw_exports() %}
    {% if execute %}
        {%- set raw_table = source('online_retail', 'invoice_lines') -%}
        {%- set manifest = source('online_retail', 'export_files') -%}
        {%- if var('raw_relation', none) -%}
            {%- set lines_sql = shopper_spectrum.spark_relation_lines(var('raw_relation')) -%}
        {%- else -%}
            {%- set raw_path = var('raw_path') -%}
            {%- set lowered_path = raw_path | lower -%}
            {#- a glob such as exports/*.csv* may end in a wildcard -#}
            {%- if '.csv' in lowered_path -%}
                {%- set lines_sql = shopper_spectrum.spark_csv_export_lines(raw_path) -%}
            {%- elif '.parquet' in lowered_path -%}
                {%- set lines_sql = shopper_spectrum.spark_parquet_export_lines(raw_path) -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error(
                    "Raw input error: raw_path " ~ raw_path ~ " — on Spark, raw_path must name .csv, "
                    ~ ".csv.gz or .parquet files (export Excel sheets to CSV; the DuckDB target reads "
                    ~ ".xlsx directly)."
                ) }}
            {%- endif -%}
        {%- endif -%}
        {% do run_query('create database if not exists ' ~ raw_table.schema) %}
        {% do run_query('drop table if exists ' ~ raw_table) %}
        {% do run_query(
            'create table ' ~ raw_table ~ ' using parquet as '
            ~ shopper_spectrum.spark_numbered_lines(lines_sql)
        ) %}
        {% do shopper_spectrum.spark_check_date_orders(raw_table) %}
        {% do run_query('drop table if exists ' ~ manifest) %}
        {% do run_query(
            'create table ' ~ manifest ~ ' using parquet as select source_file, source_sheet, '
            ~ 'source_layout, max(date_order) as date_order, min(raw_line_id) as first_raw_line_id, '
            ~ 'count(*) as lines, cast(0 as bigint) as unreadable_lines, '
            ~ 'cast(null as bigint) as file_bytes, cast(null as timestamp) as file_modified_at, '
            ~ 'cast(null as string) as load_settings, true as loaded_in_this_run, '
            ~ 'cast(null as string) as view_query, current_timestamp() as loaded_at from ' ~ raw_table
            ~ ' group by source_file, source_sheet, source_layout'
        ) %}
    {% endif %}
{% endmacro %}

{#- The fields of an invoice line, as the raw table names its text columns (ingest.layouts.FIELDS). -#}
{% macro raw_fields() %}
    {{ return(['invoice', 'product', 'description', 'quantity', 'invoice_time', 'unit_price',
        'line_amount', 'customer', 'country']) }}
{% endmacro %}

{#- The layouts to match, by name: var raw_columns alone when set, else var raw_layouts. -#}
{% macro raw_layouts() %}
    {%- if var('raw_columns', none) -%}
        {{ return({'raw_columns': var('raw_columns')}) }}
    {%- endif -%}
    {{ return(var('raw_layouts')) }}
{% endmacro %}

{#- A header name as the layouts compare it: lower case, without raw_header_ignored_characters. -#}
{% macro header_key_of(name) -%}
    {%- set ignored = var('raw_header_ignored_characters') -%}
    {%- set kept = [] -%}
    {%- for character in name | lower -%}
        {%- if character not in ignored -%}{%- do kept.append(character) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(kept | join('')) }}
{%- endmacro %}

{#-
  The layout a header (its column names, in order) matches, as {'name': ..., 'positions':
  {field: column index}}, or a compile error naming the source, as the DuckDB loader words it.
-#}
{% macro spark_match_layout(columns, source) %}
    {%- set keyed = {} -%}
    {%- for column in columns -%}
        {%- set key = shopper_spectrum.header_key_of(column) -%}
        {%- if key not in keyed -%}{%- do keyed.update({key: loop.index0}) -%}{%- endif -%}
    {%- endfor -%}
    {%- for name, layout in shopper_spectrum.raw_layouts() | dictsort -%}
        {%- set positions = {} -%}
        {%- for field, column in layout.items() -%}
            {%- set key = shopper_spectrum.header_key_of(column) -%}
            {%- if key in keyed -%}{%- do positions.update({field: keyed[key]}) -%}{%- endif -%}
        {%- endfor -%}
        {%- if positions | length == layout | length -%}
            {{ return({'name': name, 'positions': positions}) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set expected = [] -%}
    {%- for name, layout in shopper_spectrum.raw_layouts() | dictsort -%}
        {%- do expected.append(name ~ ': ' ~ layout.values() | join(', ')) -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "Raw input error: " ~ source ~ ": unknown layout. Header found: " ~ columns | join(', ')
        ~ ". Expected one of — " ~ expected | join('; ')
        ~ " — or set the dbt var raw_columns to your own column names."
    ) }}
{% endmacro %}

{#-
  The raw table's rows from a query of lines (the field columns, source_file, 1-based
  source_row_number, source_layout): raw_line_id counts on across files in path order, from
  per-file offsets rather than one global sort.
-#}
{% macro spark_numbered_lines(lines_sql) %}
    with data_rows as (
        {{ lines_sql }}
    ),
    file_offsets as (
        select
            source_file,
            coalesce(sum(count(*)) over (
                order by source_file rows between unbounded preceding and 1 preceding
            ), 0) as lines_before
        from data_rows
        group by source_file
    ),
    {{ shopper_spectrum.spark_slash_date_fields('data_rows') }}
    select
        {%- for field in shopper_spectrum.raw_fields() %}
        data_rows.{{ field }},
        {%- endfor %}
        file_offsets.lines_before + data_rows.source_row_number as raw_line_id,
        data_rows.source_file,
        cast(null as string) as source_sheet,
        data_rows.source_row_number,
        data_rows.source_layout,
        case when max(slash_dates.first_field > 12) over (partition by data_rows.source_file)
            then 'day_first' end as date_order,
        cast(null as string) as load_error
    from data_rows
    inner join file_offsets on data_rows.source_file = file_offsets.source_file
    inner join slash_dates
        on data_rows.source_file = slash_dates.source_file
        and data_rows.source_row_number = slash_dates.source_row_number
{% endmacro %}

{#- A CTE slash_dates: each line's first and second date fields (12/1/10 8:26: 12 and 1), and
    its year's digits (the date's shape). -#}
{% macro spark_slash_date_fields(relation) %}
    slash_dates as (
        select
            source_file,
            source_row_number,
            case when instr(invoice_time, '/') > 0
                then try_cast(split_part(invoice_time, '/', 1) as int) end as first_field,
            case when instr(invoice_time, '/') > 0
                then try_cast(split_part(invoice_time, '/', 2) as int) end as second_field,
            case when instr(invoice_time, '/') > 0
                then length(split_part(split_part(trim(invoice_time), ' ', 1), '/', 3)) end
                as year_digits
        from {{ relation }}
    )
{% endmacro %}

{#-
  Stops the load, as the DuckDB loader does, on a file whose slash dates are day-first on some rows
  and month-first on others, or day-first in one shape while another shape proves nothing.
-#}
{% macro spark_check_date_orders(raw_table) %}
    {%- if var('raw_date_format', none) -%}{{ return(none) }}{%- endif -%}
    {%- set conflicts = run_query(
        "with " ~ shopper_spectrum.spark_slash_date_fields(raw_table)
        ~ ", shapes as (select source_file, year_digits,"
        ~ " min(case when first_field > 12 then source_row_number end) as day_row,"
        ~ " min(case when second_field > 12 then source_row_number end) as month_row,"
        ~ " min(source_row_number) as first_row"
        ~ " from slash_dates where year_digits is not null group by source_file, year_digits)"
        ~ " select source_file, min(day_row) as day_row, min(month_row) as month_row,"
        ~ " min(case when day_row is null then first_row end) as unproven_row from shapes"
        ~ " group by source_file having min(day_row) is not null"
        ~ " and (min(month_row) is not null or min(case when day_row is null then first_row end) is not null)"
    ) -%}
    {%- set fix = "Set the dbt var raw_date_format to the file's formats, one per shape, two-digit"
        ~ " years first, e.g. ['%m/%d/%y %H:%M', '%d/%m/%Y %H:%M']." -%}
    {%- for conflict in conflicts.rows -%}
        {%- if conflict['month_row'] is not none -%}
            {{ exceptions.raise_compiler_error(
                "Raw input error: " ~ conflict['source_file'] ~ ": dates are day-first on some rows (row "
                ~ conflict['day_row'] ~ ") and month-first on others (row " ~ conflict['month_row']
                ~ "). " ~ fix
            ) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "Raw input error: " ~ conflict['source_file'] ~ ": dates come in two shapes: row "
            ~ conflict['day_row'] ~ " is day-first, but nothing shows which way round row "
            ~ conflict['unproven_row'] ~ "'s shape is. " ~ fix
        ) }}
    {%- endfor -%}
{% endmacro %}

{#-
  The lines of CSV exports, read without a header into numbered fields, each file's header row
  kept as row 0 so that every file's layout (and column order) is matched on its own. Spark keeps
  a file's splits in order, so read order within a file is line order.
-#}
{% macro spark_csv_export_lines(raw_path) %}
    {%- set width = 32 -%}
    {%- set fields = [] -%}
    {%- for position in range(1, width + 1) -%}
        {%- do fields.append('field_' ~ position) -%}
    {%- endfor -%}
    {% do run_query(
        "create or replace temporary view raw_export_fields ("
        ~ fields | join(' string, ') ~ " string) using csv options (path " ~ shopper_spectrum.sql_string(raw_path)
        ~ ", header 'false', quote '\"', escape '\"', multiLine 'true', mode 'PERMISSIVE', encoding '"
        ~ var('raw_encoding') ~ "')"
    ) %}
    {% do run_query(shopper_spectrum.spark_numbered_rows_view('raw_export_fields', fields, fields)) %}
    {%- set headers = run_query(
        "select source_file, " ~ fields | join(', ') ~ " from raw_export_rows"
        ~ " where source_row_number = 0 order by source_file"
    ) -%}
    {%- if headers.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw input error: raw_path " ~ raw_path ~ " matches no file with lines."
        ) }}
    {%- endif -%}
    {%- set file_layouts = {} -%}
    {%- for header in headers.rows -%}
        {%- set columns = [] -%}
        {%- for field in fields -%}
            {%- if header[field] is not none -%}{%- do columns.append(header[field]) -%}{%- endif -%}
        {%- endfor -%}
        {%- do file_layouts.update({header['source_file']: shopper_spectrum.spark_match_layout(columns, header['source_file'])}) -%}
    {%- endfor -%}
    select
        {%- for field in shopper_spectrum.raw_fields() %}
        {%- set branches = [] %}
        {%- for source_file, layout in file_layouts.items() if field in layout['positions'] %}
            {%- do branches.append("when " ~ shopper_spectrum.sql_string(source_file) ~ " then "
                ~ fields[layout['positions'][field]]) %}
        {%- endfor %}
        {%- if branches %}
        case source_file {{ branches | join(' ') }} end as {{ field }},
        {%- else %}
        cast(null as string) as {{ field }},
        {%- endif %}
        {%- endfor %}
        source_file,
        source_row_number,
        case source_file
        {%- for source_file, layout in file_layouts.items() %}
            when {{ shopper_spectrum.sql_string(source_file) }} then '{{ layout['name'] }}'
        {%- endfor %}
        end as source_layout
    from raw_export_rows
    where source_row_number > 0
{% endmacro %}

{#-
  The lines of Parquet exports, columns matched by name. Spark reads one schema for a glob, so every
  file must have the layout of the first.
-#}
{% macro spark_parquet_export_lines(raw_path) %}
    {% do run_query(
        "create or replace temporary view raw_export_columns using parquet options (path "
        ~ shopper_spectrum.sql_string(raw_path) ~ ")"
    ) %}
    {%- set columns = run_query('select * from raw_export_columns limit 0').column_names -%}
    {%- set layout = shopper_spectrum.spark_match_layout(columns, raw_path) -%}
    {%- set casts, names = [], [] -%}
    {%- for field in shopper_spectrum.raw_fields() -%}
        {%- if field in layout['positions'] -%}
            {%- do casts.append('cast(`' ~ columns[layout['positions'][field]] ~ '` as string) as ' ~ field) -%}
        {%- else -%}
            {%- do casts.append('cast(null as string) as ' ~ field) -%}
        {%- endif -%}
        {%- do names.append(field) -%}
    {%- endfor -%}
    {% do run_query(shopper_spectrum.spark_numbered_rows_view('raw_export_columns', casts, names)) %}
    select
        {{ names | join(', ') }},
        source_file,
        source_row_number + 1 as source_row_number,
        '{{ layout['name'] }}' as source_layout
    from raw_export_rows
{% endmacro %}

{#- The rows of a table or view (var raw_relation), its columns matched by name like a header. -#}
{% macro spark_relation_lines(relation) %}
    {%- set columns = run_query('select * from ' ~ relation ~ ' limit 0').column_names -%}
    {%- set layout = shopper_spectrum.spark_match_layout(columns, 'raw_relation ' ~ relation) -%}
    select
        {%- for field in shopper_spectrum.raw_fields() %}
        {%- if field in layout['positions'] %}
        cast(`{{ columns[layout['positions'][field]] }}` as string) as {{ field }},
        {%- else %}
        cast(null as string) as {{ field }},
        {%- endif %}
        {%- endfor %}
        '{{ relation }}' as source_file,
        row_number() over (order by monotonically_increasing_id()) as source_row_number,
        '{{ layout['name'] }}' as source_layout
    from {{ relation }}
{% endmacro %}

{#-
  A view raw_export_rows of the given columns (expressions, and the names they give) of a
  file-reading view, with each row's source file and its 0-based position in that file.
  input_file_name() and the read order are taken in the scan, before any shuffle, where both are
  still known.
-#}
{% macro spark_numbered_rows_view(file_view, columns, names) %}
    create or replace temporary view raw_export_rows as
    select
        {{ names | join(', ') }},
        regexp_replace(source_file, '^file:(//)?', '') as source_file,
        row_number() over (partition by source_file order by read_order) - 1 as source_row_number
    from (
        select
            {{ columns | join(', ') }},
            input_file_name() as source_file,
            monotonically_increasing_id() as read_order
        from {{ file_view }}
    ) as scanned_rows
{% endmacro %}
