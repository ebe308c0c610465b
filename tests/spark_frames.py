"""Comparing a table as DuckDB built it with the same table as Spark built it."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from shopper_spectrum.frames import to_pandas


def comparable(frame: pd.DataFrame, keys: list[str], replacements: dict[str, str]) -> pd.DataFrame:
    """Rows in key order, dates as timestamps, text with the given substrings replaced."""
    frame = to_pandas(frame.copy())
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and values.map(_is_date).any():
            frame[column] = pd.to_datetime(values)
        elif pd.api.types.is_string_dtype(values) or values.dtype == object:
            for old, new in replacements.items():
                values = values.str.replace(old, new, regex=False)
            frame[column] = values
    return frame.sort_values(keys or list(frame.columns), ignore_index=True)


def assert_same_rows(
    duckdb_rows: pd.DataFrame,
    spark_rows: pd.DataFrame,
    keys: list[str],
    replacements: dict[str, str] | None = None,
    rtol: float = 1e-9,
) -> None:
    """Same columns, same rows, same values (floats within rtol), whichever engine built them."""
    replacements = replacements or {}
    assert sorted(spark_rows.columns.str.lower()) == sorted(duckdb_rows.columns.str.lower())
    assert len(spark_rows) == len(duckdb_rows)
    duck = comparable(duckdb_rows, keys, replacements)
    spark = comparable(spark_rows, keys, replacements)[list(duck.columns)]
    for column in duck.columns:
        left, right = duck[column], spark[column]
        if pd.api.types.is_numeric_dtype(left) and not pd.api.types.is_bool_dtype(left):
            np.testing.assert_allclose(
                right.astype(float), left.astype(float), rtol=rtol, equal_nan=True, err_msg=column
            )
        else:
            mismatched = ~((left == right) | (left.isna() & right.isna()))
            assert not mismatched.any(), (
                f"{column}: {int(mismatched.sum())} rows differ, e.g. DuckDB "
                f"{left[mismatched].iloc[0]!r} vs Spark {right[mismatched].iloc[0]!r}"
            )


def _is_date(value) -> bool:
    return isinstance(value, datetime.date)
