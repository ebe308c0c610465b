{#-
  Parses an export's invoice timestamp text: M/D/YY H:MM (UCI Online Retail), M/D/YYYY H:MM,
  either with seconds, or ISO (Online Retail II, Excel, Parquet). Null when no format fits.
  Two-digit years are tried first: a four-digit-year pattern reads "12/1/10" as the year 10.
  No generic timestamp cast as a fallback: DuckDB's reads "31/12/10" as the year 31.
-#}
{% macro parse_export_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_export_timestamp', 'shopper_spectrum')(expression)) }}
{%- endmacro %}

{% macro default__parse_export_timestamp(expression) -%}
    try_strptime(
        {{ expression }},
        [
            '%m/%d/%y %H:%M', '%m/%d/%y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S',
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M',
            '%Y-%m-%d'
        ]
    )
{%- endmacro %}

{#- Spark: the same formats in Java's pattern letters; try_to_timestamp gives null on no match. -#}
{% macro spark__parse_export_timestamp(expression) -%}
    {%- set formats = [
        'M/d/yy H:mm', 'M/d/yy H:mm:ss', 'M/d/yyyy H:mm', 'M/d/yyyy H:mm:ss',
        'yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd''T''HH:mm:ss", 'yyyy-MM-dd HH:mm:ss.SSSSSS', 'yyyy-MM-dd HH:mm',
        'yyyy-MM-dd'
    ] -%}
    coalesce(
        {%- for format in formats %}
        try_to_timestamp({{ expression }}, '{{ format }}'){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}
