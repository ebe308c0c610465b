{#- A var that holds a day (YYYY-MM-DD), as that text, or none when it is unset. -#}
{% macro date_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])', text) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a day written YYYY-MM-DD, e.g. 2011-06-01; got '" ~ text ~ "'"
        ) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
