{{ config(severity='warn') }}
{#- Lines whose numbers or dates do not parse are kept (disposition unparseable) but worth a look. -#}
select
    disposition_reason,
    lines,
    example_rows
from {{ ref('audit_source_rows') }}
where disposition = 'unparseable'
