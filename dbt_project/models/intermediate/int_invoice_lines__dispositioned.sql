{#-
  Every raw line with exactly one disposition, decided in this order (first match wins):
  unparseable > dated after the build's own day > on or after the as-of date > duplicate of a
  line in another file or sheet > exact duplicate > non-product code > non-positive price >
  guest (no customer) > cancellation > non-positive quantity > purchase.
-#}
{#-
  The staging view is read where each step needs it, not kept as one shared intermediate
  result: parsing the raw text again costs less than holding every line in memory, which
  spilled to disk at 100M lines.
-#}
{%- set copy_columns = ['invoice_id', 'stock_code', 'description', 'quantity', 'invoiced_at',
                        'unit_price', 'customer_id', 'country'] -%}
with as_of as (

    select
        as_of_date,
        build_date
    from {{ ref('int_as_of_date') }}

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
    from {{ ref('stg_online_retail__invoice_lines') }}
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

line_fingerprints as (

    -- identical typed values give identical fingerprints, so only lines sharing one can be copies
    select {{ shopper_spectrum.fingerprint(copy_columns) }} as line_fingerprint
    from {{ ref('stg_online_retail__invoice_lines') }}
    where not is_unparseable

),

repeated_fingerprints as (

    select line_fingerprint
    from line_fingerprints
    group by line_fingerprint
    having count(*) > 1

),

copy_candidates as (

    select
        raw_line_id,
        {{ copy_columns | join(',\n        ') }},
        -- only copies need their file named (a reason cites the first copy's), not every line
        source_file || coalesce(' [sheet ' || source_sheet || ']', '') as source_name
    from {{ ref('stg_online_retail__invoice_lines') }}
    where
        not is_unparseable
        and {{ shopper_spectrum.fingerprint(copy_columns) }}
        in (select repeated_fingerprints.line_fingerprint from repeated_fingerprints)

),

duplicate_ranks as (

    -- typed values are compared, so 17850 and 17850.0 or two date spellings still match
    select
        raw_line_id,
        source_name,
        row_number() over line_copies as copy_number,
        first_value(source_name) over line_copies as first_copy_source
    from copy_candidates
    window line_copies as (
        partition by {{ copy_columns | join(', ') }}
        order by raw_line_id
    )

),

lines_with_facts as (

    select
        staged_lines.raw_line_id,
        staged_lines.source_file,
        staged_lines.source_sheet,
        staged_lines.source_row_number,
        staged_lines.invoice_id,
        staged_lines.stock_code,
        staged_lines.product_code,
        staged_lines.description,
        staged_lines.quantity,
        staged_lines.invoiced_at,
        staged_lines.unit_price,
        staged_lines.customer_id,
        staged_lines.country,
        staged_lines.is_cancellation,
        staged_lines.is_guest,
        staged_lines.is_unparseable,
        staged_lines.unparseable_reason,
        non_product_codes.non_product_category,
        coalesce(duplicate_ranks.copy_number > 1, false) as is_duplicate,
        coalesce(duplicate_ranks.first_copy_source != duplicate_ranks.source_name, false)
            as is_copy_of_another_file,
        duplicate_ranks.first_copy_source,
        cast(staged_lines.invoiced_at as date) > as_of.build_date as is_future_dated,
        staged_lines.invoiced_at >= as_of.as_of_date as is_after_as_of_date,
        as_of.build_date
    from {{ ref('stg_online_retail__invoice_lines') }} as staged_lines
    cross join as_of
    left join non_product_codes
        on staged_lines.product_code = non_product_codes.product_code
    left join duplicate_ranks
        on staged_lines.raw_line_id = duplicate_ranks.raw_line_id

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
