{#- Each product's nearest products over all valid purchases (see the item_neighbours macro). -#}
{{ item_neighbours(ref('fct_item_cooccurrence')) }}
