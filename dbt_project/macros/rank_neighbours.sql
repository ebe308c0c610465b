{#-
  The top_k rows per (fold, count_unit, product_key) of `candidates` (a CTE of fold, count_unit,
  product_key, neighbour_key, co_count), best first: the larger count, then the smaller key (keys
  follow product codes). Returns fold, count_unit, product_key, neighbour_key, co_count and rank
  (1 = best).
-#}
{% macro rank_neighbours(candidates, top_k) -%}
    {{ return(adapter.dispatch('rank_neighbours', 'shopper_spectrum')(candidates, top_k)) }}
{%- endmacro %}

{% macro default__rank_neighbours(candidates, top_k) -%}
select *  -- the columns of the ranking below
from (
    select
        fold,
        count_unit,
        product_key,
        neighbour_key,
        co_count,
        row_number() over (
            partition by fold, count_unit, product_key
            order by co_count desc, neighbour_key asc
        ) as rank
    from {{ candidates }}
) as ranked
where rank <= {{ top_k }}
{%- endmacro %}

{#-
  DuckDB keeps each product's top_k in a bounded heap (max_by with n) instead of sorting every
  candidate in a window: at 10M lines the window spilled to disk and took 3× longer. The key
  packs the count and the neighbour key into one integer, so ties break exactly as in the
  window.
-#}
{% macro duckdb__rank_neighbours(candidates, top_k) -%}
select
    fold,
    count_unit,
    product_key,
    cast(4294967295 - packed % 4294967296 as integer) as neighbour_key,
    packed // 4294967296 as co_count,
    rank
from (
    select
        fold,
        count_unit,
        product_key,
        unnest(best) as packed,
        generate_subscripts(best, 1) as rank
    from (
        select
            fold,
            count_unit,
            product_key,
            max(co_count * 4294967296 + (4294967295 - neighbour_key), {{ top_k }}) as best
        from {{ candidates }}
        group by fold, count_unit, product_key
    ) as best_per_product
) as unpacked
{%- endmacro %}
