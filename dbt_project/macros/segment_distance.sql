{#-
  The one definition of segment assignment's arithmetic: the squared Euclidean distance from a
  customer's R/F/M to a segment_model row's centroid in standardised log(1 + x) space. The nearest
  centroid (ties to the lower cluster id) is the customer's segment; fct_customer_segment_history
  (and so customer_segments) and the predict_segment SQL macro both use this expression.
-#}
{% macro segment_squared_distance(recency_days, frequency, monetary, model) -%}
    {%- set terms = [] -%}
    {%- for feature, value in [('recency', recency_days), ('frequency', frequency), ('monetary', monetary)] -%}
        {%- do terms.append(
            'power((ln(1 + cast(' ~ value ~ ' as double)) - ' ~ model ~ '.log_mean_' ~ feature ~ ') / '
            ~ model ~ '.log_scale_' ~ feature ~ ' - ' ~ model ~ '.center_' ~ feature ~ ', 2)'
        ) -%}
    {%- endfor -%}
    ({{ terms | join(' + ') }})
{%- endmacro %}
