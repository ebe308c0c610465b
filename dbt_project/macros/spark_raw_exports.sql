{#-
  Spark: Spark reads the files itself (CSV and CSV.gz, or Parquet; one file or a glob), so exports
  of any size never pass through the driver or a dbt seed. Each CSV file's header is checked
  against the two UCI layouts, and the build stops naming the file when it matches neither.
-#}
{% macro spark__load_raw_exports() %}
    {% if execute %}
        {%- set raw_path = var('raw_path') -%}
        {%- set raw_table = source('online_retail', 'invoice_lines') -%}
        {%- set lowered_path = raw_path | lower -%}
        {#- a glob such as exports/*.csv* may end in a wildcard -#}
        {%- if '.csv' in lowered_path -%}
            {%- set lines_sql = shopper_spectrum.spark_csv_export_lines(raw_path) -%}
        {%- elif '.parquet' in lowered_path -%}
            {%- set lines_sql = shopper_spectrum.spark_parquet_export_lines(raw_path) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "Raw input error: raw_path " ~ raw_path ~ " — on Spark, raw_path must name .csv, .csv.gz "
                ~ "or .parquet files (export Excel sheets to CSV; the DuckDB target reads .xlsx directly)."
            ) }}
        {%- endif -%}
        {%- set manifest = source('online_retail', 'export_files') -%}
        {% do run_query('create database if not exists ' ~ raw_table.schema) %}
        {% do run_query('drop table if exists ' ~ raw_table) %}
        {% do run_query(
            'create table ' ~ raw_table ~ ' using parquet as '
            ~ shopper_spectrum.spark_numbered_lines(lines_sql)
        ) %}
        {% do run_query('drop table if exists ' ~ manifest) %}
        {% do run_query(
            'create table ' ~ manifest ~ ' using parquet as select source_file, source_sheet, '
            ~ 'source_layout, min(raw_line_id) as first_raw_line_id, count(*) as lines, '
            ~ 'cast(null as bigint) as file_bytes from ' ~ raw_table
            ~ ' group by source_file, source_sheet, source_layout'
        ) %}
    {% endif %}
{% endmacro %}

{#-
  The raw table's rows from a query of lines (the eight raw columns, source_file, 1-based
  source_row_number, source_layout): raw_line_id counts on across files in path order, from
  per-file offsets rather than one global sort.
-#}
{% macro spark_numbered_lines(lines_sql) %}
    {%- set raw_columns = shopper_spectrum.raw_export_column_names() -%}
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
    )
    select
        {%- for column in raw_columns %}
        data_rows.{{ column }},
        {%- endfor %}
        file_offsets.lines_before + data_rows.source_row_number as raw_line_id,
        data_rows.source_file,
        cast(null as string) as source_sheet,
        data_rows.source_row_number,
        data_rows.source_layout
    from data_rows
    inner join file_offsets on data_rows.source_file = file_offsets.source_file
{% endmacro %}

{#- The raw columns every layout is renamed to (the "Online Retail" header), as in ingest.layouts. -#}
{% macro raw_export_column_names() %}
    {{ return(['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice',
        'CustomerID', 'Country']) }}
{% endmacro %}

{#- The two layouts of shopper_spectrum.ingest.layouts as header keys: lowercased, no spaces or underscores. -#}
{% macro raw_layout_header_keys() %}
    {{ return({
        'online_retail': 'invoiceno|stockcode|description|quantity|invoicedate|unitprice|customerid|country',
        'online_retail_ii': 'invoice|stockcode|description|quantity|invoicedate|price|customerid|country',
    }) }}
{% endmacro %}

{#- SQL giving the header key of each header text expression, as raw_layout_header_keys spells them. -#}
{% macro spark_header_key(header_expressions) -%}
    concat_ws('|'
    {%- for expression in header_expressions -%}
        , regexp_replace(lower(coalesce({{ expression }}, '')), '[ _\uFEFF]', '')
    {%- endfor -%}
    )
{%- endmacro %}

{#-
  The lines of CSV exports, read positionally (both layouts order their columns alike) with each
  file's header row kept as row 0, so that every file's layout is checked, not only the first's.
  Spark keeps a file's splits in order, so read order within a file is line order.
-#}
{% macro spark_csv_export_lines(raw_path) %}
    {%- set layouts = shopper_spectrum.raw_layout_header_keys() -%}
    {%- set fields = [] -%}
    {%- for position in range(1, 9) -%}
        {%- do fields.append('field_' ~ position) -%}
    {%- endfor -%}
    {% do run_query(
        "create or replace temporary view raw_export_fields ("
        ~ fields | join(' string, ') ~ " string) using csv options (path '" ~ raw_path | replace("'", "''")
        ~ "', header 'false', quote '\"', escape '\"', mode 'PERMISSIVE')"
    ) %}
    {% do run_query(shopper_spectrum.spark_numbered_rows_view('raw_export_fields', fields, fields)) %}
    {%- set headers = run_query(
        "select source_file, concat_ws(', ', " ~ fields | join(', ') ~ ") as header, "
        ~ shopper_spectrum.spark_header_key(fields) ~ " as header_key "
        ~ "from raw_export_rows where source_row_number = 0 order by source_file"
    ) -%}
    {%- if headers.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw input error: raw_path " ~ raw_path ~ " matches no file with lines."
        ) }}
    {%- endif -%}
    {%- set file_layouts = {} -%}
    {%- for header in headers.rows -%}
        {%- set matching = layouts | dictsort | selectattr(1, 'equalto', header['header_key']) | list -%}
        {%- if matching | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw input error: " ~ header['source_file'] ~ ": unknown layout. Header found: "
                ~ header['header'] ~ ". Expected, in this order, one of — online_retail: InvoiceNo, "
                ~ "StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country; "
                ~ "online_retail_ii: Invoice, StockCode, Description, Quantity, InvoiceDate, Price, "
                ~ "Customer ID, Country"
            ) }}
        {%- endif -%}
        {%- do file_layouts.update({header['source_file']: matching[0][0]}) -%}
    {%- endfor -%}
    select
        {%- for column in shopper_spectrum.raw_export_column_names() %}
        {{ fields[loop.index0] }} as {{ column }},
        {%- endfor %}
        source_file,
        source_row_number,
        case source_file
        {%- for source_file, layout in file_layouts.items() %}
            when '{{ source_file | replace("'", "''") }}' then '{{ layout }}'
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
    {%- set layouts = shopper_spectrum.raw_layout_header_keys() -%}
    {% do run_query(
        "create or replace temporary view raw_export_columns using parquet options (path '"
        ~ raw_path | replace("'", "''") ~ "')"
    ) %}
    {%- set columns = run_query('select * from raw_export_columns limit 0').column_names -%}
    {%- set keyed = {} -%}
    {%- for column in columns -%}
        {%- do keyed.update({column | lower | replace(' ', '') | replace('_', ''): column}) -%}
    {%- endfor -%}
    {%- set canonical = shopper_spectrum.raw_export_column_names() -%}
    {%- set layout = namespace(name=none, keys=[]) -%}
    {%- for name, header_key in layouts | dictsort -%}
        {%- set keys = header_key.split('|') -%}
        {%- if layout.name is none and (keys | reject('in', keyed) | list | length) == 0 -%}
            {%- set layout.name = name -%}
            {%- set layout.keys = keys -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if layout.name is none -%}
        {{ exceptions.raise_compiler_error(
            "Raw input error: " ~ raw_path ~ ": unknown layout. Columns found: " ~ columns | join(', ')
            ~ ". Expected the online_retail or online_retail_ii columns."
        ) }}
    {%- endif -%}
    {%- set casts = [] -%}
    {%- for key in layout.keys -%}
        {%- do casts.append('cast(`' ~ keyed[key] ~ '` as string) as ' ~ canonical[loop.index0]) -%}
    {%- endfor -%}
    {% do run_query(shopper_spectrum.spark_numbered_rows_view('raw_export_columns', casts, canonical)) %}
    select
        {%- for column in canonical %}
        {{ column }},
        {%- endfor %}
        source_file,
        source_row_number + 1 as source_row_number,
        '{{ layout.name }}' as source_layout
    from raw_export_rows
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
