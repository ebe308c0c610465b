{#-
  Every raw line with exactly one disposition, decided in this order (first match wins):
  unparseable > dated after the build's own day > on or after the as-of date > duplicate of a
  line in another file or sheet > exact duplicate > non-product code > non-positive price >
  guest (no customer) > cancellation > non-positive quantity > purchase.
-#}
{#-
  The lines and their duplicates come from int_invoice_lines__duplicates_flagged, which keeps them
  between builds; what depends on the build's dates and on the seed is decided here, so moving the
  as-of date or editing the seed never needs a line typed again.
-#}
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
    from {{ ref('int_invoice_lines__duplicates_flagged') }}
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
    from {{ ref('int_invoice_lines__duplicates_flagged') }} as typed_lines
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
