{#- Every possible (r, f, m) score triple with the classic RFM segment its first matching rule gives. -#}
with scores as (

    select cast(generated_number as {{ dbt.type_int() }}) as score
    from ({{ dbt.generate_series(5) }}) as series

),

score_triples as (

    select
        r.score as r_score,
        f.score as f_score,
        m.score as m_score
    from scores as r
    cross join scores as f
    cross join scores as m

),

matching_rules as (

    select
        score_triples.r_score,
        score_triples.f_score,
        score_triples.m_score,
        rules.rule_order,
        rules.rfm_segment,
        rules.description as rfm_segment_description
    from score_triples
    inner join {{ ref('rfm_segment_rules') }} as rules
        on
            score_triples.r_score between rules.r_min and rules.r_max
            and score_triples.f_score between rules.f_min and rules.f_max
            and score_triples.m_score between rules.m_min and rules.m_max

)

select
    r_score,
    f_score,
    m_score,
    {{ shopper_spectrum.value_at_least('rfm_segment', ['rule_order']) }} as rfm_segment,
    {{ shopper_spectrum.value_at_least('rfm_segment_description', ['rule_order']) }} as rfm_segment_description
from matching_rules
group by r_score, f_score, m_score
