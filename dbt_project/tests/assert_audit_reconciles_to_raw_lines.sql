{#- Nothing is lost: the audit's line counts add up to the lines of every file loaded (the manifest). -#}
with audited as (

    select coalesce(sum(lines), 0) as audited_lines
    from {{ ref('audit_source_rows') }}

),

loaded as (

    select coalesce(sum(lines), 0) as raw_lines
    from {{ source('online_retail', 'export_files') }}

)

select
    loaded.raw_lines,
    audited.audited_lines
from loaded
cross join audited
where loaded.raw_lines != audited.audited_lines
