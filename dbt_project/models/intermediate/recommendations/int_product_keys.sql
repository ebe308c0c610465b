{#-
  A 32-bit integer key per purchased product, numbered in the order products were first bought
  (ties to the smaller code): the pair counts join and group on these keys, which hash faster than
  codes. A line bought after a training set's end never moves a key that set uses, so the counts
  of a set whose lines are unchanged stay valid when new lines arrive (int_training_set_pair_counts).
-#}
with first_purchases as (

    select
        product_code,
        min(invoiced_at) as first_bought_at
    from {{ ref('int_sales_lines') }}
    where not is_cancellation
    group by product_code

)

select
    product_code,
    cast(row_number() over (order by first_bought_at, product_code) as {{ dbt.type_int() }}) as product_key
from first_purchases
