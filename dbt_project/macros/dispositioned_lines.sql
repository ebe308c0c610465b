{#-
  int_invoice_lines__dispositioned, made by changes (macros/made_by_changes.sql): its record holds
  the seed it classified codes with, the last typed line it holds, a count and sum of the typed
  lines' ids up to it and which load of each file they come from, and the as-of date and build
  day it dated lines by. New lines, and the lines dated on or after the earlier of the two as-of
  dates or after the earlier of the two build days, are made again; an edited seed, an old line
  gone or a file typed again makes every line again.
-#}

{#-
  Every typed line with its disposition or, with `record` (the record of the last build), only
  the new lines and those whose date dispositions may have moved since.
-#}
{% macro dispositioned_lines(record=none) -%}
with as_of as (

    select
        as_of_date,
        build_date
    from {{ ref('int_as_of_date') }}

),

typed_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        invoice_id,
        stock_code,
        product_code,
        description,
        quantity,
        invoiced_at,
        unit_price,
        customer_id,
        country,
        is_cancellation,
        is_guest,
        is_unparseable,
        unparseable_reason,
        is_duplicate,
        is_copy_of_another_file,
        first_copy_source
    from {{ ref('int_invoice_lines__duplicates_flagged') }}
    {%- if record is not none %}
    -- new lines, and those whose date dispositions the as-of date or the build's day may move
    where {{ is_line_made_again('(' ~ lines_made_again_bounds(record) ~ ')') }}
    {%- endif %}

),

non_product_patterns as (

    select
        upper(stock_code_pattern) as code_pattern,
        match_type,
        category
    from {{ ref('non_product_stock_codes') }}

),

distinct_product_codes as (

    -- classify the few thousand distinct codes, not the millions of lines
    select distinct product_code
    from typed_lines
    where product_code is not null

),

non_product_codes as (

    select
        codes.product_code,
        min(patterns.category) as non_product_category
    from distinct_product_codes as codes
    inner join non_product_patterns as patterns
        on
            (patterns.match_type = 'exact' and codes.product_code = patterns.code_pattern)
            or (
                patterns.match_type = 'prefix'
                and left(codes.product_code, length(patterns.code_pattern)) = patterns.code_pattern
            )
    group by codes.product_code

),

lines_with_facts as (

    select
        typed_lines.raw_line_id,
        typed_lines.source_file,
        typed_lines.source_sheet,
        typed_lines.source_row_number,
        typed_lines.invoice_id,
        typed_lines.stock_code,
        typed_lines.product_code,
        typed_lines.description,
        typed_lines.quantity,
        typed_lines.invoiced_at,
        typed_lines.unit_price,
        typed_lines.customer_id,
        typed_lines.country,
        typed_lines.is_cancellation,
        typed_lines.is_guest,
        typed_lines.is_unparseable,
        typed_lines.unparseable_reason,
        non_product_codes.non_product_category,
        typed_lines.is_duplicate,
        typed_lines.is_copy_of_another_file,
        typed_lines.first_copy_source,
        cast(typed_lines.invoiced_at as date) > as_of.build_date as is_future_dated,
        typed_lines.invoiced_at >= as_of.as_of_date as is_after_as_of_date,
        as_of.build_date
    from typed_lines
    cross join as_of
    left join non_product_codes
        on typed_lines.product_code = non_product_codes.product_code

),

dispositioned_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        invoice_id,
        stock_code,
        product_code,
        description,
        quantity,
        invoiced_at,
        unit_price,
        customer_id,
        country,
        is_cancellation,
        is_guest,
        is_duplicate,
        non_product_category is not null as is_non_product,
        case
            when is_unparseable then 'unparseable'
            when is_future_dated then 'future_dated'
            when is_after_as_of_date then 'after_as_of_date'
            when is_duplicate and is_copy_of_another_file then 'overlapping_export_duplicate'
            when is_duplicate then 'exact_duplicate'
            when non_product_category is not null then 'non_product'
            when unit_price <= 0 then 'non_positive_price'
            when is_guest then 'guest'
            when is_cancellation then 'cancellation'
            when quantity <= 0 then 'non_positive_quantity'
            else 'purchase'
        end as disposition,
        unparseable_reason,
        first_copy_source,
        non_product_category,
        build_date
    from lines_with_facts

)

select
    raw_line_id,
    source_file,
    source_sheet,
    source_row_number,
    invoice_id,
    stock_code,
    product_code,
    description,
    quantity,
    invoiced_at,
    unit_price,
    quantity * unit_price as amount,
    customer_id,
    country,
    is_cancellation,
    is_guest,
    is_duplicate,
    is_non_product,
    disposition,
    case disposition
        when 'unparseable' then unparseable_reason
        when 'future_dated'
            then 'dated after the day of the build (' || cast(build_date as {{ dbt.type_string() }}) || ')'
        when 'after_as_of_date' then 'on or after the as-of date of this build'
        when 'overlapping_export_duplicate' then 'same line already loaded from ' || first_copy_source
        when 'exact_duplicate' then 'identical to an earlier line of the same file'
        when 'non_product' then 'non-product stock code (' || non_product_category || ')'
        when 'non_positive_price' then 'unit price is zero or negative'
        when 'guest' then 'no customer id (guest checkout)'
        when 'cancellation' then 'cancellation, netted against the customer''s purchases'
        when 'non_positive_quantity' then 'quantity is zero or negative on a non-cancellation invoice'
        else 'valid product purchase'
    end as disposition_reason,
    disposition in ('purchase', 'cancellation') as is_sales_line
from dispositioned_lines
{%- endmacro %}

{#-
  What the dispositions are made from now, as one row: the seed's digest, the typed lines (all,
  or with `record` those up to its last line) by count, sum of ids and the loads of their files,
  and the as-of date and build day.
-#}
{% macro disposition_inputs(record=none) -%}
with typed_lines as (

    select raw_line_id
    from {{ ref('int_invoice_lines__duplicates_flagged') }}
    {%- if record is not none %}
    where raw_line_id <= (select through_line_id from {{ record }})
    {%- endif %}

),

typed_files as (

    select cast({{ shopper_spectrum.fingerprint(['typed.source_file', 'typed.loaded_at']) }} % 2147483647 as bigint)
        as file_hash
    from {{ shopper_spectrum.typed_files_relation() }} as typed
    -- the files of those lines (a file of no lines is numbered after them)
    where typed.source_file in (
        select loaded.source_file
        from {{ source('online_retail', 'export_files') }} as loaded
        where loaded.first_raw_line_id <= (select max(typed_lines.raw_line_id) from typed_lines)
    )

),

seed_rows as (

    select
        cast({{ shopper_spectrum.fingerprint(['stock_code_pattern', 'match_type', 'category']) }} % 2147483647 as bigint)
            as row_hash
    from {{ ref('non_product_stock_codes') }}

)

select
    (select count(*) from seed_rows) as seed_rows,
    (select sum(row_hash) from seed_rows) as seed_hash,
    -- 0 before the first line, so that every later line is new
    coalesce((select max(raw_line_id) from typed_lines), 0) as through_line_id,
    (select count(*) from typed_lines) as typed_lines,
    (select sum(raw_line_id) from typed_lines) as typed_line_ids,
    (select sum(file_hash) from typed_files) as typed_files_hash,
    as_of.as_of_date,
    as_of.build_date
from {{ ref('int_as_of_date') }} as as_of
{%- endmacro %}

{#-
  Which lines a build makes again, as one row: made by changes (`record`, the last build's), those
  after the last line the record holds (through_line_id), those dated on or after the earlier of
  the two as-of dates (dated_from) and those dated after the earlier of the two build days
  (dated_after); without a record, every line (after line 0, dated any day).
-#}
{% macro lines_made_again_bounds(record=none) -%}
{%- if record is none -%}
select
    cast(0 as {{ dbt.type_bigint() }}) as through_line_id,
    cast(null as date) as dated_from,
    cast(null as date) as dated_after
{%- else -%}
select
    recorded.through_line_id,
    least(recorded.as_of_date, as_of.as_of_date) as dated_from,
    least(recorded.build_date, as_of.build_date) as dated_after
from {{ record }} as recorded
cross join {{ ref('int_as_of_date') }} as as_of
{%- endif %}
{%- endmacro %}

{#- Whether a line (raw_line_id, invoiced_at) is one of those `bounds` (the row above) makes again. -#}
{% macro is_line_made_again(bounds) -%}
(
    raw_line_id > (select bounds.through_line_id from {{ bounds }} as bounds)
    or invoiced_at >= (select bounds.dated_from from {{ bounds }} as bounds)
    or cast(invoiced_at as date) > (select bounds.dated_after from {{ bounds }} as bounds)
)
{%- endmacro %}

{#-
  Where the dispositions record the lines this build writes, for their data tests
  (`where: "__lines_written_by_this_build__"`, macros/tests_on_written_rows.sql).
-#}
{% macro lines_written_relation(relation) %}
    {{ return(sibling_relation(relation, '__lines_written')) }}
{% endmacro %}

{#-
  The pre-hook (macros/made_by_changes.sql), and the record of the lines this build writes (the
  bounds above: made in full, every line). The record is written by every build, so that the
  next one finds it when its tests compile (dbt looks relations up in what the database held
  when the build started).
-#}
{% macro start_dispositions_over_if_moved() %}
    {%- set start_over = start_dispositions_over_unless_held() -%}
    {%- if target.type != 'duckdb' or not execute or this is none -%}
        {{ return(start_over) }}
    {%- endif -%}
    {%- set by_changes = is_made_by_changes() and not start_over | trim -%}
    create or replace table {{ lines_written_relation(this) }} as
    {{ lines_made_again_bounds(made_from_record() if by_changes else none) }};
    {{ start_over }}
{% endmacro %}

{% macro start_dispositions_over_unless_held() %}
    {{ return(start_over_unless_inputs_held(
        'Dispositions',
        disposition_inputs,
        [
            ('seed_rows', 'non_product_stock_codes seed'),
            ('seed_hash', 'non_product_stock_codes seed'),
            ('typed_lines', 'earlier lines'),
            ('typed_line_ids', 'earlier lines'),
            ('typed_files_hash', "earlier files' loads"),
        ],
        dispositioned_lines(),
        'new lines, and lines the dates may move'
    )) }}
{% endmacro %}

{#- The post-hook. -#}
{% macro record_disposition_inputs() %}
    {{ return(record_inputs(disposition_inputs)) }}
{% endmacro %}
