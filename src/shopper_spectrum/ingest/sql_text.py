"""SQL text the loader writes, and DuckDB's errors in one line."""

from __future__ import annotations

import re


def quote_identifier(identifier: str) -> str:
    """An SQL identifier, double-quoted (the loader's column names and the plugin's table)."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def read_error_cause(error: Exception) -> str:
    """What went wrong reading a file, in one line."""
    message = str(error)
    if "GZIP" in message.upper():
        return "the gzip stream ends too early or is damaged (an interrupted download or copy?)."
    if "unicode" in message.lower() or "encoding" in message.lower():
        return "not readable in the given encoding; set the dbt var raw_encoding (utf-8, latin-1 or utf-16)."
    row = re.search(r"Line: (\d+)", message)
    where = f"row {int(row.group(1)) - 1}: " if row else ""
    return f"cannot be read: {where}{first_line(error)}"
