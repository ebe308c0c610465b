{%- set basket_rule = shopper_spectrum.basket_rule() -%}

with source_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        source_layout,
        date_order,
        load_error,
        nullif(trim(invoice), '') as invoice_text,
        nullif(trim(product), '') as product_text,
        nullif(trim(description), '') as description_text,
        nullif(trim(quantity), '') as quantity_text,
        nullif(trim(invoice_time), '') as invoice_time_text,
        nullif(trim(unit_price), '') as unit_price_text,
        nullif(trim(line_amount), '') as line_amount_text,
        nullif(trim(customer), '') as customer_text,
        nullif(trim(country), '') as country_text
    from {{ source('online_retail', 'invoice_lines') }}

),

typed_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        source_layout,
        load_error,
        invoice_text as invoice_id,
        product_text as stock_code,
        -- 85123A and 85123a are one product
        upper(product_text) as product_code,
        description_text as description,
        {{ shopper_spectrum.try_cast('quantity_text', dbt.type_numeric()) }} as quantity_number,
        {{ shopper_spectrum.parse_export_timestamp('invoice_time_text', 'date_order') }} as invoiced_at,
        {{ shopper_spectrum.try_cast('unit_price_text', shopper_spectrum.type_money()) }} as listed_unit_price,
        {{ shopper_spectrum.try_cast('line_amount_text', dbt.type_numeric()) }} as line_amount,
        -- Excel and Online Retail II store ids as floats: 17850.0 is customer 17850
        regexp_replace(customer_text, '[.]0+$', '') as customer_id,
        country_text as country,
        quantity_text,
        invoice_time_text,
        unit_price_text,
        line_amount_text
    from source_lines

),

priced_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        source_layout,
        load_error,
        {% if basket_rule == 'invoice' -%}
        invoice_id,
        {%- else -%}
        -- the export has no order id: a basket is one customer's lines in a day (or an hour)
        {{ shopper_spectrum.derived_basket_id(
            basket_rule, 'customer_id', 'invoiced_at', 'quantity_number', 'raw_line_id'
        ) }} as invoice_id,
        {%- endif %}
        stock_code,
        product_code,
        description,
        quantity_number,
        {{ shopper_spectrum.try_cast('quantity_number', dbt.type_bigint()) }} as quantity,
        invoiced_at,
        -- an export with line amounts (quantity × unit price) prices each unit by division
        coalesce(
            listed_unit_price,
            {{ shopper_spectrum.try_cast(
                'line_amount / nullif(quantity_number, 0)', shopper_spectrum.type_money()
            ) }}
        ) as unit_price,
        listed_unit_price,
        line_amount,
        customer_id,
        country,
        quantity_text,
        invoice_time_text,
        unit_price_text,
        line_amount_text
    from typed_lines

),

flagged_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        source_layout,
        invoice_id,
        stock_code,
        product_code,
        description,
        quantity,
        invoiced_at,
        unit_price,
        customer_id,
        country,
        coalesce(upper(left(invoice_id, 1)) = 'C', false) as is_cancellation,
        {{ "'" ~ basket_rule ~ "'" }} as basket_rule,
        customer_id is null as is_guest,
        coalesce(load_error, nullif(concat_ws(
            '; ',
            {% if basket_rule == 'invoice' -%}
            case when invoice_id is null then 'invoice is empty' end,
            {%- endif %}
            case when stock_code is null then 'product is empty' end,
            case
                when quantity_text is null then 'quantity is empty'
                when quantity_number is null then 'quantity is not a number'
                when quantity_number != round(quantity_number, 0) then 'quantity is not a whole number'
                when quantity is null then 'quantity is out of range'
            end,
            case
                when invoice_time_text is null then 'invoice time is empty'
                when invoiced_at is null then 'invoice time is not a recognised date'
            end,
            case
                when unit_price_text is not null and listed_unit_price is null
                    then 'unit price is not a number or out of range'
                when unit_price_text is not null then null
                when line_amount_text is null then 'unit price is empty'
                when line_amount is null then 'line amount is not a number or out of range'
                when unit_price is null then 'unit price cannot be derived from the line amount'
            end
        ), '')) as unparseable_reason
    from priced_lines

)

select
    raw_line_id,
    source_file,
    source_sheet,
    source_row_number,
    source_layout,
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
    basket_rule,
    is_guest,
    unparseable_reason,
    unparseable_reason is not null as is_unparseable
from flagged_lines
