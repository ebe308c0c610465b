{#-
  How good each candidate recommender is on the rolling-origin folds of
  recommendation_evaluation_folds, and which one the build uses.

  Each metric is averaged over the folds, with the standard error of the mean (sample standard
  deviation over folds / sqrt(folds); null with one fold). The choice compares precision@k fold
  by fold, which removes what makes one fold harder than another for every candidate: the gap
  to the best candidate is its mean paired difference, with that difference's standard error.
  The build uses the simplest candidate (the smallest number) whose gap is within one standard
  error — the one-standard-error rule. It is ahead of popularity when its paired lead over the
  better popularity-alone row is more than one standard error.
-#}
{%- set metrics = ['precision_at_k', 'recall_at_k', 'hit_rate_at_k', 'ndcg_at_k', 'catalogue_coverage'] -%}
{%- set candidate_columns = [
    'candidate', 'label', 'count_unit', 'neighbours', 'l2_multiple', 'popularity_window',
    'popularity_share', 'is_candidate'
] -%}
with fold_metrics as (

    select
        {{ candidate_columns | join(',\n        ') }},
        fold,
        training_cutoff,
        k,
        customers_evaluated,
        {{ metrics | join(',\n        ') }}
    from {{ ref('recommendation_evaluation_folds') }}

),

candidate_means as (

    select
        candidate,
        avg(precision_at_k) as precision_at_k
    from fold_metrics
    where is_candidate
    group by candidate

),

popularity_means as (

    select
        candidate,
        avg(precision_at_k) as precision_at_k
    from fold_metrics
    where popularity_share = 1
    group by candidate

),

best_candidate as (

    select {{ shopper_spectrum.value_at_least('candidate', ['-precision_at_k', 'candidate']) }} as candidate
    from candidate_means

),

best_popularity as (

    select {{ shopper_spectrum.value_at_least('candidate', ['-precision_at_k', 'candidate']) }} as candidate
    from popularity_means

),

paired_gaps as (

    select
        fold_metrics.candidate,
        fold_metrics.fold,
        best.precision_at_k - fold_metrics.precision_at_k as gap_to_best,
        fold_metrics.precision_at_k - popularity.precision_at_k as lead_over_popularity
    from fold_metrics
    cross join best_candidate
    inner join fold_metrics as best
        on
            best_candidate.candidate = best.candidate
            and fold_metrics.fold = best.fold
    cross join best_popularity
    inner join fold_metrics as popularity
        on
            best_popularity.candidate = popularity.candidate
            and fold_metrics.fold = popularity.fold

),

candidate_summaries as (

    select
        {%- for column in candidate_columns %}
        fold_metrics.{{ column }},
        {%- endfor %}
        count(*) as folds,
        min(fold_metrics.training_cutoff) as first_training_cutoff,
        max(fold_metrics.training_cutoff) as last_training_cutoff,
        max(fold_metrics.k) as k,
        sum(fold_metrics.customers_evaluated) as customers_evaluated,
        {%- for metric in metrics %}
        avg(fold_metrics.{{ metric }}) as {{ metric }},
        stddev_samp(fold_metrics.{{ metric }}) / sqrt(count(*)) as {{ metric }}_se,
        {%- endfor %}
        avg(paired_gaps.gap_to_best) as precision_gap_to_best,
        stddev_samp(paired_gaps.gap_to_best) / sqrt(count(*)) as precision_gap_to_best_se,
        avg(paired_gaps.lead_over_popularity) as precision_lead_over_popularity,
        stddev_samp(paired_gaps.lead_over_popularity) / sqrt(count(*)) as precision_lead_over_popularity_se
    from fold_metrics
    inner join paired_gaps
        on
            fold_metrics.candidate = paired_gaps.candidate
            and fold_metrics.fold = paired_gaps.fold
    group by fold_metrics.{{ candidate_columns | join(', fold_metrics.') }}

),

{# A gap no larger than its standard error is a tie; with one fold only the best ties. -#}
level_candidates as (

    select
        candidate,
        is_candidate and precision_gap_to_best <= coalesce(precision_gap_to_best_se, 0) as is_level_with_best
    from candidate_summaries

),

chosen_candidate as (

    select min(candidate) as candidate
    from level_candidates
    where is_level_with_best

)

select
    candidate_summaries.candidate,
    candidate_summaries.label,
    candidate_summaries.count_unit,
    candidate_summaries.neighbours,
    candidate_summaries.l2_multiple,
    candidate_summaries.popularity_window,
    candidate_summaries.popularity_share,
    candidate_summaries.is_candidate,
    candidate_summaries.folds,
    candidate_summaries.first_training_cutoff,
    candidate_summaries.last_training_cutoff,
    candidate_summaries.k,
    candidate_summaries.customers_evaluated,
    {%- for metric in metrics %}
    candidate_summaries.{{ metric }},
    candidate_summaries.{{ metric }}_se,
    {%- endfor %}
    candidate_summaries.precision_gap_to_best,
    candidate_summaries.precision_gap_to_best_se,
    level_candidates.is_level_with_best,
    candidate_summaries.candidate = chosen_candidate.candidate as is_chosen,
    candidate_summaries.precision_lead_over_popularity,
    candidate_summaries.precision_lead_over_popularity_se,
    candidate_summaries.precision_lead_over_popularity
    > coalesce(candidate_summaries.precision_lead_over_popularity_se, 0) as is_ahead_of_popularity
from candidate_summaries
inner join level_candidates on candidate_summaries.candidate = level_candidates.candidate
cross join chosen_candidate
