{#- Nothing is lost: the audit's line counts add up to the number of raw lines loaded. -#}
with audited as (

    select coalesce(sum(lines), 0) as audited_lines
    from {{ ref('audit_source_rows') }}

),

loaded as (

    select count(*) as raw_lines
    from {{ ref('stg_online_retail__invoice_lines') }}

)

select
    loaded.raw_lines,
    audited.audited_lines
from loaded
cross join audited
where loaded.raw_lines != audited.audited_lines
