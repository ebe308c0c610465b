{#-
  1-5 score from a rank among `peers` rows: 1 + floor(5 × percent_rank), capped at 5, computed from
  whole ranks so the quintile edges are exact (no floating-point percent_rank × 5).
-#}
{% macro quintile_score(rank_column, peers_column) -%}
    least(5, 1 + floor(5 * ({{ rank_column }} - 1) / greatest({{ peers_column }} - 1, 1)))
{%- endmacro %}
