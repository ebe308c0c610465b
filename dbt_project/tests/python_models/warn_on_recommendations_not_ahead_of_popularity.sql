{{ config(severity='warn') }}
{#-
  The recommender the build chose does not beat this shop's best-sellers by more than one
  standard error on the folds: its lists are (about) the best-seller chart, whatever they look
  like. The viewer says so; more history, or more folds (var evaluation_folds), may change it.
-#}
select
    label as chosen_recommender,
    precision_at_k,
    precision_lead_over_popularity,
    precision_lead_over_popularity_se
from {{ ref('recommendation_evaluation') }}
where is_chosen and not is_ahead_of_popularity
