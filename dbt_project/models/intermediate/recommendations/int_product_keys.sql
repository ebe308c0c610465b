{#-
  A 32-bit integer key per purchased product, in product-code order: the pair counts join and
  group on these keys, which hash faster than codes.
-#}
with purchased_products as (

    select distinct product_code
    from {{ ref('int_sales_lines') }}
    where not is_cancellation

)

select
    product_code,
    cast(row_number() over (order by product_code) as {{ dbt.type_int() }}) as product_key
from purchased_products
