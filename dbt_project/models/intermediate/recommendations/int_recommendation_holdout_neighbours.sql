{#- Each product's nearest products over the holdout's training lines only. -#}
{{ item_neighbours(ref('int_recommendation_holdout_cooccurrence')) }}
