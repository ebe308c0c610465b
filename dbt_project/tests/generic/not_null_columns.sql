{#-
  Fails on every row where any of the columns is null: one scan and one dbt node per table, where
  dbt's not_null makes one of each per column (each node costs dbt 60–80 ms of a build,
  docs/performance.md). The failing rows are returned whole, so a stored failure shows which
  column is null in which row.
-#}
{% test not_null_columns(model, column_names) %}

select *
from {{ model }}
where {% for column in column_names %}{{ column }} is null{{ ' or ' if not loop.last }}{% endfor %}

{% endtest %}
