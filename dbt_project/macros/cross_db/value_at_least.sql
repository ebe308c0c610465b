{#-
  An aggregate: `value` of the row whose `ordering` (a list of expressions, compared in turn) is
  least in its group; one pass over the group, where a row_number() window sorts it.
-#}
{% macro value_at_least(value, ordering) -%}
    {{ return(adapter.dispatch('value_at_least', 'shopper_spectrum')(value, ordering)) }}
{%- endmacro %}

{% macro default__value_at_least(value, ordering) -%}
    arg_min({{ value }}, row({{ ordering | join(', ') }}))
{%- endmacro %}

{% macro spark__value_at_least(value, ordering) -%}
    min_by({{ value }}, struct({{ ordering | join(', ') }}))
{%- endmacro %}
