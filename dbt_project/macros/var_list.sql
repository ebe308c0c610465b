{#- A var that lists values (one value given alone is a list of one). -#}
{% macro var_list(name) -%}
    {%- set value = var(name) -%}
    {{ return([value] if value is string or value is number else value | list) }}
{%- endmacro %}
