{#-
  Parses an export's invoice time text. With var raw_date_format set, that format (or those, in order). Otherwise
  slash dates month-first (M/D/YY H:MM, as the UCI exports write them) or, where the loader found
  the file's dates day-first (date_order = 'day_first'), D/M/YY H:MM — two- or four-digit years,
  with or without seconds — and ISO dates; an ISO time with a UTC offset becomes its UTC time.
  Null when no format fits. Two-digit years are tried first: a four-digit-year pattern reads
  "12/1/10" as the year 10. No generic timestamp cast as a fallback: DuckDB's reads "31/12/10" as
  the year 31.
-#}
{% macro parse_export_timestamp(expression, date_order) -%}
    {{ return(adapter.dispatch('parse_export_timestamp', 'shopper_spectrum')(expression, date_order)) }}
{%- endmacro %}

{#- var raw_date_format as a list: one strptime format, or several tried in order (one per shape). -#}
{% macro raw_date_formats() -%}
    {%- set formats = var('raw_date_format', none) -%}
    {%- if not formats -%}{{ return([]) }}{%- endif -%}
    {{ return([formats] if formats is string else formats | list) }}
{%- endmacro %}

{% macro export_timestamp_formats(order) -%}
    {%- set slash = ['%m/%d/%y %H:%M', '%m/%d/%y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S',
                     '%m/%d/%y', '%m/%d/%Y'] -%}
    {%- if order == 'day_first' -%}
        {%- set slash = slash | map('replace', '%m/%d', '%d/%m') | list -%}
    {%- endif -%}
    {{ return(slash + ['%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S.%f',
                       '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d %H:%M', '%Y-%m-%d']) }}
{%- endmacro %}

{% macro default__parse_export_timestamp(expression, date_order) -%}
    {%- set formats = shopper_spectrum.raw_date_formats() -%}
    {%- if formats -%}
        try_strptime({{ expression }}, ['{{ formats | join("', '") }}'])
    {%- else -%}
        coalesce(
            case
                when {{ date_order }} = 'day_first'
                    then try_strptime({{ expression }}, {{ shopper_spectrum.export_timestamp_formats('day_first') }})
                else try_strptime({{ expression }}, {{ shopper_spectrum.export_timestamp_formats('month_first') }})
            end,
            timezone('UTC', try_strptime(
                {{ expression }}, {{ shopper_spectrum.export_timestamp_offset_formats() }}
            ))
        )
    {%- endif -%}
{%- endmacro %}

{#- ISO times with a UTC offset: converted to UTC. -#}
{% macro export_timestamp_offset_formats() -%}
    {{ return(['%Y-%m-%d %H:%M:%S%z', '%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z']) }}
{%- endmacro %}

{#- A strptime format in Java's pattern letters, quoted for a SQL string: Spark reads the same
    formats as DuckDB (export_timestamp_formats, var raw_date_format), written once. -#}
{% macro spark_timestamp_pattern(format) -%}
    {{ return(format
        | replace('T', "''T''")
        | replace('%Y', 'yyyy') | replace('%y', 'yy') | replace('%m', 'M') | replace('%d', 'd')
        | replace('%H', 'H') | replace('%M', 'mm') | replace('%S', 'ss') | replace('%f', 'SSSSSS')
        | replace('%z', 'XXX')) }}
{%- endmacro %}

{% macro spark__parse_export_timestamp(expression, date_order) -%}
    {%- set formats = shopper_spectrum.raw_date_formats() -%}
    {%- if formats -%}
        coalesce(
        {%- for format in formats %}
            try_to_timestamp({{ expression }}, '{{ shopper_spectrum.spark_timestamp_pattern(format) }}')
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
        )
    {%- else -%}
        {%- set by_order = {} -%}
        {%- for order in ['month_first', 'day_first'] -%}
            {%- set attempts = [] -%}
            {%- for format in shopper_spectrum.export_timestamp_formats(order)
                + shopper_spectrum.export_timestamp_offset_formats() -%}
                {%- do attempts.append(
                    "try_to_timestamp(" ~ expression ~ ", '"
                    ~ shopper_spectrum.spark_timestamp_pattern(format) ~ "')"
                ) -%}
            {%- endfor -%}
            {%- do by_order.update({order: 'coalesce(' ~ attempts | join(', ') ~ ')'}) -%}
        {%- endfor -%}
        case when {{ date_order }} = 'day_first' then {{ by_order['day_first'] }} else {{ by_order['month_first'] }} end
    {%- endif -%}
{%- endmacro %}
