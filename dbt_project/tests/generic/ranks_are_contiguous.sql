{#- Fails for every partition whose ranks are not exactly 1, 2, ..., n. -#}
{% test ranks_are_contiguous(model, partition_by, column_name='rank') %}

select
    {{ partition_by }},
    min({{ column_name }}) as lowest_rank,
    max({{ column_name }}) as highest_rank,
    count(*) as ranked_rows
from {{ model }}
group by {{ partition_by }}
having min({{ column_name }}) != 1 or max({{ column_name }}) != count(*)

{% endtest %}
