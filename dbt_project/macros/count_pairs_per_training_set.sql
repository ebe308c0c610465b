{#-
  Pair counts of `unit_products` (a CTE of unit_id, product_key and a flag in_set_<fold> per
  training set: one row per unit — a basket or a customer — and product) for every training set
  in one pass: units_<fold> counts the units whose rows of both products are flagged in that set.
  Each pair once, product_key_a <= product_key_b; equal keys give a product's own count. The
  self-join is aggregated in slices of first products: the slices' groups are disjoint, and four
  smaller hash tables beat one big one (at 10M lines 2.9 s against 3.5 s).
-#}
{% macro count_pairs_per_training_set(unit_products, folds, passes=4) -%}
{%- set counts = [] -%}
{%- for fold in folds -%}
{%- do counts.append(
    'count(*) filter (where product_a.in_set_' ~ fold ~ ' and product_b.in_set_' ~ fold ~ ') as units_' ~ fold
) -%}
{%- endfor -%}
{%- for slice in range(passes) %}
select
    product_a.product_key as product_key_a,
    product_b.product_key as product_key_b,
    {{ counts | join(',
    ') }}
from {{ unit_products }} as product_a
inner join {{ unit_products }} as product_b
    on
        product_a.unit_id = product_b.unit_id
        and product_a.product_key <= product_b.product_key
where product_a.product_key % {{ passes }} = {{ slice }}
group by product_a.product_key, product_b.product_key
{%- if not loop.last %}

union all
{% endif %}
{%- endfor %}
{%- endmacro %}

{#-
  Whether a pair count is kept for the models, as a condition on `relation`'s co_count,
  product_key_a and product_key_b (no relation: unqualified columns): at least var
  min_cooccurrence units hold both products (a pair seen once is noise no model uses), or it is a
  product's own count. The evaluation folds store only these; the production counts hold every
  pair, so that a later build can add to it, and int_product_pairs cuts them here.
-#}
{% macro is_kept_pair(relation=none) -%}
{%- set column = (relation ~ '.') if relation else '' -%}
({{ column }}co_count >= {{ var('min_cooccurrence') | int }} or ({{ column }}product_key_a = {{ column }}product_key_b and {{ column }}co_count > 0))
{%- endmacro %}
