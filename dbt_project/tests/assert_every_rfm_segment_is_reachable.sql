{#- Every segment of the RFM map is given to at least one score triple, and every triple gets one. -#}
with assigned as (

    select
        rfm_segment,
        count(*) as score_triples
    from {{ ref('int_rfm_score_segments') }}
    group by rfm_segment

),

problems as (

    select
        rules.rfm_segment,
        'never assigned: an earlier rule covers all its scores' as problem
    from {{ ref('rfm_segment_rules') }} as rules
    left join assigned
        on rules.rfm_segment = assigned.rfm_segment
    where assigned.rfm_segment is null

    union all

    select
        cast(count(*) as {{ dbt.type_string() }}) as rfm_segment,
        'score triples without a segment (of 125)' as problem
    from {{ ref('int_rfm_score_segments') }}
    having count(*) != 125

)

select
    rfm_segment,
    problem
from problems
