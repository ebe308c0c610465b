{#-
  The Gram matrix each training set of int_recommendation_training_sets is fitted on: baskets
  holding each pair of products, summed over the months before the set's cutoff. Pairs are
  stored once (product_key_a < product_key_b) and kept when at least var min_cooccurrence
  baskets hold both — a pair seen once is noise no model uses; the rows with
  product_key_a = product_key_b hold each product's own basket count. One pass over the monthly
  counts sums every training set at once.
-#}
{%- set cutoffs, sums, picks = [], [], [] -%}
{%- for fold in range(var('evaluation_folds') | int + 1) -%}
{%- do cutoffs.append('max(case when fold = ' ~ fold ~ ' then training_cutoff end) as cutoff_' ~ fold) -%}
{%- do sums.append(
    'cast(sum(case when pairs.invoice_month < training_cutoffs.cutoff_' ~ fold
    ~ ' then pairs.baskets else 0 end) as ' ~ dbt.type_bigint() ~ ') as baskets_' ~ fold
) -%}
{%- do picks.append('when ' ~ fold ~ ' then summed_pairs.baskets_' ~ fold) -%}
{%- endfor -%}
with training_cutoffs as (

    select
        {{ cutoffs | join(',\n        ') }}
    from {{ ref('int_recommendation_training_sets') }}

),

summed_pairs as (

    select
        pairs.product_key_a,
        pairs.product_key_b,
        {{ sums | join(',\n        ') }}
    from {{ ref('int_product_pairs_by_month') }} as pairs
    cross join training_cutoffs
    group by pairs.product_key_a, pairs.product_key_b

),

fold_numbers as (

    select fold
    from {{ ref('int_recommendation_training_sets') }}

),

pairs_per_fold as (

    select
        fold_numbers.fold,
        summed_pairs.product_key_a,
        summed_pairs.product_key_b,
        case fold_numbers.fold
            {{ picks | join('\n            ') }}
        end as baskets
    from summed_pairs
    cross join fold_numbers

)

select
    fold,
    product_key_a,
    product_key_b,
    baskets
from pairs_per_fold
where
    baskets >= {{ var('min_cooccurrence') | int }}
    or (product_key_a = product_key_b and baskets > 0)
