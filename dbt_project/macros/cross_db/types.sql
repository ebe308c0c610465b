{#- Money: exact decimals (prices go down to 0.001) that stay 64-bit for speed. -#}
{% macro type_money() -%}
    {{ return(adapter.dispatch('type_money', 'shopper_spectrum')()) }}
{%- endmacro %}

{% macro default__type_money() -%}
    decimal(18, 4)
{%- endmacro %}

{#- 64-bit float: dbt.type_float() is a 32-bit float on DuckDB, too coarse for ratios and scores. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'shopper_spectrum')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}
