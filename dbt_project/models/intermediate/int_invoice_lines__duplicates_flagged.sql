{#-
  Every raw line, typed, with whether it repeats a line loaded before it (all typed fields equal):
  the part of each line's disposition that no date and no seed decides (int_invoice_lines__dispositioned
  adds the rest). On DuckDB it grows by file: a build first deletes the rows of the files loaded
  again since it typed them (by this run or any other dbt command: forget_reloaded_files) and of
  files no longer listed, then appends the lines of every file it does not hold; an old line never
  changes because a new file arrived, as in a fresh build, where lines are numbered in the files'
  order and the first copy wins.
  The staging view is read here once per line, when its file is loaded.
-#}
{{ config(
    materialized='incremental' if target.type == 'duckdb' else 'table',
    incremental_strategy='append',
    pre_hook="{{ shopper_spectrum.forget_reloaded_files() }}",
    post_hook="{{ shopper_spectrum.record_typed_files() }}"
) }}
{%- set copy_columns = ['invoice_id', 'stock_code', 'description', 'quantity', 'invoiced_at',
                        'unit_price', 'customer_id', 'country'] -%}
{#- the new files, as SQL strings; none when not named (macros/forget_reloaded_files.sql) -#}
{%- set new_files = shopper_spectrum.files_to_type(ref('stg_online_retail__invoice_lines')) -%}
{%- set new_file_names = [] -%}
{%- for file in new_files or [] -%}
{%- do new_file_names.append(shopper_spectrum.sql_string(file)) -%}
{%- endfor -%}
{%- set line_columns = ['raw_line_id', 'source_file', 'source_sheet', 'source_row_number',
                        'invoice_id', 'stock_code', 'product_code', 'description', 'quantity',
                        'invoiced_at', 'unit_price', 'customer_id', 'country', 'is_cancellation',
                        'is_guest', 'is_unparseable', 'unparseable_reason'] -%}
with new_lines as (

    select
        {{ line_columns | join(',\n        ') }},
        -- identical typed values give identical fingerprints, so only lines sharing one can be copies
        case when not is_unparseable then {{ shopper_spectrum.fingerprint(copy_columns) }} end
            as copy_fingerprint
    from {{ ref('stg_online_retail__invoice_lines') }}
    -- the files this table does not hold yet: read in this run, or by a run that stopped before here
    {%- if new_files is not none %}
    where {{ shopper_spectrum.is_one_of('source_file', new_file_names) }}
    {%- elif is_incremental() %}
    where source_file not in (select distinct kept.source_file from {{ this }} as kept)
    {%- endif %}

),

earlier_copies as (

    -- lines kept from earlier builds that a new line may repeat
    {%- if is_incremental() %}
    select
        raw_line_id,
        {{ copy_columns | join(',\n        ') }},
        source_file,
        source_sheet,
        copy_fingerprint
    from {{ this }}
    where copy_fingerprint in (select new_lines.copy_fingerprint from new_lines)
    {%- else %}
    select
        raw_line_id,
        {{ copy_columns | join(',\n        ') }},
        source_file,
        source_sheet,
        copy_fingerprint
    from new_lines
    where false
    {%- endif %}

),

fingerprints as (

    select copy_fingerprint from new_lines
    where copy_fingerprint is not null
    union all
    select copy_fingerprint from earlier_copies

),

repeated_fingerprints as (

    select copy_fingerprint
    from fingerprints
    group by copy_fingerprint
    having count(*) > 1

),

copy_candidates as (

    select
        raw_line_id,
        {{ copy_columns | join(',\n        ') }},
        source_file,
        source_sheet
    from new_lines
    where copy_fingerprint in (select repeated_fingerprints.copy_fingerprint from repeated_fingerprints)

    union all

    select
        raw_line_id,
        {{ copy_columns | join(',\n        ') }},
        source_file,
        source_sheet
    from earlier_copies

),

named_copy_candidates as (

    -- only copies need their file named (a reason cites the first copy's), not every line
    select
        raw_line_id,
        {{ copy_columns | join(',\n        ') }},
        source_file || coalesce(' [sheet ' || source_sheet || ']', '') as source_name
    from copy_candidates

),

duplicate_ranks as (

    -- typed values are compared, so 17850 and 17850.0 or two date spellings still match
    select
        raw_line_id,
        source_name,
        row_number() over line_copies as copy_number,
        first_value(source_name) over line_copies as first_copy_source
    from named_copy_candidates
    window line_copies as (
        partition by {{ copy_columns | join(', ') }}
        order by raw_line_id
    )

)

select
    {% for column in line_columns -%}
    new_lines.{{ column }},
    {% endfor -%}
    coalesce(duplicate_ranks.copy_number > 1, false) as is_duplicate,
    coalesce(
        duplicate_ranks.copy_number > 1
        and duplicate_ranks.first_copy_source != duplicate_ranks.source_name,
        false
    ) as is_copy_of_another_file,
    case when duplicate_ranks.copy_number > 1 then duplicate_ranks.first_copy_source end as first_copy_source,
    new_lines.copy_fingerprint
from new_lines
left join duplicate_ranks
    on new_lines.raw_line_id = duplicate_ranks.raw_line_id
