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
        rules.rfm_segment,
        rules.description as rfm_segment_description,
        row_number() over (
            partition by score_triples.r_score, score_triples.f_score, score_triples.m_score
            order by rules.rule_order
        ) as match_rank
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
    rfm_segment,
    rfm_segment_description
from matching_rules
where match_rank = 1
