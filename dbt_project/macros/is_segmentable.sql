{#- Whether a customer can be segmented: at least one purchase and a net spend above zero. The one
    definition: fct_customer_rfm's customer_status ('active') and predict_segment both use it, and
    the segment model fits the active customers. -#}
{% macro is_segmentable(frequency, monetary) -%}
    ({{ frequency }} > 0 and {{ monetary }} > 0)
{%- endmacro %}
