{#-
  A 64-bit hash of the given columns, equal for rows whose values are equal (nulls included):
  a cheap pre-filter before an exact comparison, never a key on its own.
-#}
{% macro fingerprint(columns) -%}
    {{ return(adapter.dispatch('fingerprint', 'shopper_spectrum')(columns)) }}
{%- endmacro %}

{% macro default__fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}
