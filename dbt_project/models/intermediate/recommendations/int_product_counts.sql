{#-
  Each product's own count in each training set and counting unit: the baskets holding it, or
  the customers who bought it (among their recent products). It is the Gram matrix's diagonal
  (int_product_pairs' rows with product_key_a = product_key_b), read here once for the marts.
-#}
select
    own_pairs.fold,
    own_pairs.count_unit,
    own_pairs.product_key_a as product_key,
    product_keys.product_code,
    own_pairs.co_count as units
from {{ ref('int_product_pairs') }} as own_pairs
inner join {{ ref('int_product_keys') }} as product_keys
    on own_pairs.product_key_a = product_keys.product_key
where own_pairs.product_key_a = own_pairs.product_key_b
