{#-
  Where a line's basket (order) comes from: 'invoice', the export's own order id, or — when
  var raw_columns names no invoice column — var basket_rule: 'customer_day' or 'customer_hour'.
-#}
{% macro basket_rule() %}
    {%- set raw_columns = var('raw_columns', none) -%}
    {%- if not raw_columns or 'invoice' in raw_columns -%}
        {{ return('invoice') }}
    {%- endif -%}
    {%- set rule = var('basket_rule') -%}
    {%- if rule not in ['customer_day', 'customer_hour'] -%}
        {{ exceptions.raise_compiler_error(
            "var basket_rule is " ~ rule ~ "; it must be customer_day or customer_hour"
        ) }}
    {%- endif -%}
    {{ return(rule) }}
{% endmacro %}

{#-
  A derived basket id: 'D' || customer || '@' || the day (or hour), prefixed 'C' for a return
  so that the cancellation rule reads it as the UCI layouts' 'C' invoices; a line without a
  customer is a basket of its own. NULL when the time does not parse.
-#}
{% macro derived_basket_id(rule, customer_id, invoiced_at, quantity, raw_line_id) %}
    {%- set period = 'cast(' ~ invoiced_at ~ ' as date)' if rule == 'customer_day'
        else dbt.date_trunc('hour', invoiced_at) -%}
    case
        when {{ customer_id }} is null
            then 'L' || cast({{ raw_line_id }} as {{ dbt.type_string() }})
        else
            case when {{ quantity }} < 0 then 'C' else '' end
            || 'D' || {{ customer_id }} || '@' || cast({{ period }} as {{ dbt.type_string() }})
    end
{% endmacro %}
