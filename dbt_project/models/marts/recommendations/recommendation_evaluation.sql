{#-
  How good the recommendations are: each model's metrics averaged over the rolling-origin folds
  of recommendation_evaluation_folds, with the standard error of each mean (sample standard
  deviation over folds / sqrt(folds); null with one fold).
-#}
{%- set metrics = ['precision_at_k', 'recall_at_k', 'hit_rate_at_k', 'ndcg_at_k', 'catalogue_coverage'] -%}
{%- set summaries = [] -%}
{%- for metric in metrics -%}
{%- do summaries.append('avg(' ~ metric ~ ') as ' ~ metric) -%}
{%- do summaries.append('stddev_samp(' ~ metric ~ ') / sqrt(count(*)) as ' ~ metric ~ '_se') -%}
{%- endfor -%}
with fold_metrics as (

    select
        model,
        fold,
        training_cutoff,
        k,
        customers_evaluated,
        {{ metrics | join(',\n        ') }}
    from {{ ref('recommendation_evaluation_folds') }}

)

select
    model,
    count(*) as folds,
    min(training_cutoff) as first_training_cutoff,
    max(training_cutoff) as last_training_cutoff,
    max(k) as k,
    sum(customers_evaluated) as customers_evaluated,
    {{ summaries | join(',\n    ') }}
from fold_metrics
group by model
