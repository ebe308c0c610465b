with source_lines as (

    select
        raw_line_id,
        source_file,
        source_sheet,
        source_row_number,
        source_layout,
        nullif(trim(invoiceno), '') as invoice_text,
        nullif(trim(stockcode), '') as stock_code_text,
        nullif(trim(description), '') as description_text,
        nullif(trim(quantity), '') as quantity_text,
        nullif(trim(invoicedate), '') as invoice_date_text,
        nullif(trim(unitprice), '') as unit_price_text,
        nullif(trim(customerid), '') as customer_id_text,
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
        invoice_text as invoice_id,
        stock_code_text as stock_code,
        -- 85123A and 85123a are one product
        upper(stock_code_text) as product_code,
        description_text as description,
        {{ shopper_spectrum.try_cast('quantity_text', dbt.type_numeric()) }} as quantity_number,
        {{ shopper_spectrum.parse_export_timestamp('invoice_date_text') }} as invoiced_at,
        {{ shopper_spectrum.try_cast('unit_price_text', shopper_spectrum.type_money()) }} as unit_price,
        -- Excel and Online Retail II store ids as floats: 17850.0 is customer 17850
        regexp_replace(customer_id_text, '[.]0+$', '') as customer_id,
        country_text as country,
        quantity_text,
        invoice_date_text,
        unit_price_text
    from source_lines

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
        {{ shopper_spectrum.try_cast('quantity_number', dbt.type_bigint()) }} as quantity,
        invoiced_at,
        unit_price,
        customer_id,
        country,
        coalesce(upper(left(invoice_id, 1)) = 'C', false) as is_cancellation,
        customer_id is null as is_guest,
        nullif(concat_ws(
            '; ',
            case when invoice_id is null then 'InvoiceNo is empty' end,
            case when stock_code is null then 'StockCode is empty' end,
            case
                when quantity_text is null then 'Quantity is empty'
                when quantity_number is null then 'Quantity is not a number'
                when quantity_number != round(quantity_number, 0) then 'Quantity is not a whole number'
            end,
            case
                when invoice_date_text is null then 'InvoiceDate is empty'
                when invoiced_at is null then 'InvoiceDate is not a recognised date'
            end,
            case
                when unit_price_text is null then 'UnitPrice is empty'
                when unit_price is null then 'UnitPrice is not a number'
            end
        ), '') as unparseable_reason
    from typed_lines

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
    is_guest,
    unparseable_reason,
    unparseable_reason is not null as is_unparseable
from flagged_lines
