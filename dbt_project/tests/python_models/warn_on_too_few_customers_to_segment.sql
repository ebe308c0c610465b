{{ config(severity='warn') }}
{#- Fewer customers with net spend than segments (var segment_k): the build carries no segments. -#}
select
    count(*) as customers_not_segmented,
    {{ var('segment_k') }} as segments_wanted
from {{ ref('customer_segments') }}
where segment_status = 'too_few_customers'
having count(*) > 0
