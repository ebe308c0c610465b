"""Which way round a file's slash dates are (12/1/10: December or January?), settled per file."""

from __future__ import annotations

import duckdb

from shopper_spectrum.ingest.errors import RawInputError
from shopper_spectrum.ingest.readers import Loaded, Span
from shopper_spectrum.ingest.settings import LoadSettings


def settle_date_order(
    cursor: duckdb.DuckDBPyConnection, span: Span, loaded: Loaded, settings: LoadSettings
) -> str | None:
    """Settle a loaded file's date order and record it on its lines."""
    table, lines_before = span.table, span.lines_before
    bounds = f"raw_line_id between {lines_before + 1} and {lines_before + loaded.lines}"
    order = date_order(
        cursor,
        f"select source_row_number, invoice_time from {table} where {bounds}",
        span.reader.label,
        settings,
    )
    if order == "day_first":
        cursor.execute(f"update {table} set date_order = 'day_first' where {bounds}")
    return order


def date_order(
    cursor: duckdb.DuckDBPyConnection, lines: str, label: str, settings: LoadSettings
) -> str | None:
    """Day-first where the data proves it (a first field above 12), month-first where it proves
    that; a file proving both is an error, and so is a day-first file with a second shape of date
    (two-digit beside four-digit years) that proves nothing: reading it day-first would silently
    move those lines by months. None where nothing is proven (month-first is read).
    `lines` is a query giving one file's source_row_number and invoice_time."""
    if settings.date_format:
        return None
    shapes = cursor.execute(
        f"""
        with fields as (
            -- the first two fields of a slash-separated date (12/1/10 8:26), and its year's digits
            select
                source_row_number,
                invoice_time,
                try_cast(split_part(invoice_time, '/', 1) as integer) as first_field,
                try_cast(split_part(invoice_time, '/', 2) as integer) as second_field,
                length(split_part(split_part(trim(invoice_time), ' ', 1), '/', 3)) as year_digits
            from ({lines})
            where contains(invoice_time, '/')
        )
        select
            min(source_row_number) filter (where first_field > 12),
            arg_min(invoice_time, source_row_number) filter (where first_field > 12),
            min(source_row_number) filter (where second_field > 12),
            arg_min(invoice_time, source_row_number) filter (where second_field > 12),
            min(source_row_number),
            arg_min(invoice_time, source_row_number)
        from fields
        group by year_digits
        order by year_digits
        """
    ).fetchall()
    days = [(row, text) for row, text, *_ in shapes if row is not None]
    months = [(row, text) for _, _, row, text, *_ in shapes if row is not None]
    fix = (
        "Set the dbt var raw_date_format to the file's formats, one per shape, two-digit years "
        "first, e.g. ['%m/%d/%y %H:%M', '%d/%m/%Y %H:%M']."
    )
    if days and months:
        (day_row, day_text), (month_row, month_text) = min(days), min(months)
        raise RawInputError(
            f"{label}: dates are day-first on some rows (row {day_row}: {day_text}) and "
            f"month-first on others (row {month_row}: {month_text}). {fix}"
        )
    if days and len(days) < len(shapes):
        day_row, day_text = min(days)
        unproven_row, unproven_text = next(
            (row, text) for first, _, _, _, row, text in shapes if first is None
        )
        raise RawInputError(
            f"{label}: dates come in two shapes: row {day_row} ({day_text}) is day-first, "
            f"but nothing shows which way round row {unproven_row}'s shape ({unproven_text}) is. "
            f"{fix}"
        )
    if days:
        return "day_first"
    return "month_first" if months else None
