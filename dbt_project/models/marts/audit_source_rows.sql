{#- Where every raw line went: the lines column sums to the raw line count (tested). -#}
with dispositioned_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        disposition,
        disposition_reason,
        is_sales_line,
        quantity,
        amount
    from {{ ref('int_invoice_lines__dispositioned') }}

),

line_examples as (

    select
        disposition,
        disposition_reason,
        source_file,
        source_sheet,
        source_row_number,
        row_number() over (partition by disposition, disposition_reason order by raw_line_id) as example_rank
    from dispositioned_lines

),

example_locations as (

    select
        disposition,
        disposition_reason,
        example_rank,
        source_file || coalesce(' [sheet ' || source_sheet || ']', '') || ' row '
        || cast(source_row_number as {{ dbt.type_string() }}) as line_location
    from line_examples
    where example_rank <= 3

),

examples_by_reason as (

    select
        disposition,
        disposition_reason,
        {{ dbt.listagg('line_location', "'; '", 'order by example_rank') }} as example_rows
    from example_locations
    group by disposition, disposition_reason

),

lines_by_reason as (

    select
        disposition,
        disposition_reason,
        {{ dbt.bool_or('is_sales_line') }} as is_sales_line,
        count(*) as lines,
        sum(quantity) as quantity,
        sum(amount) as amount
    from dispositioned_lines
    group by disposition, disposition_reason

)

select
    lines_by_reason.disposition,
    lines_by_reason.disposition_reason,
    lines_by_reason.is_sales_line,
    lines_by_reason.lines,
    lines_by_reason.quantity,
    lines_by_reason.amount,
    examples_by_reason.example_rows
from lines_by_reason
inner join examples_by_reason
    on
        lines_by_reason.disposition = examples_by_reason.disposition
        and lines_by_reason.disposition_reason = examples_by_reason.disposition_reason
order by lines_by_reason.lines desc
