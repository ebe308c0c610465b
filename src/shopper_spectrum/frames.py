"""Boundary conversions for dbt Python models: whatever a platform hands over becomes pandas."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa


def to_pandas(relation) -> pd.DataFrame:
    """A DuckDB relation, PySpark or Snowpark DataFrame, or Arrow table as a pandas DataFrame.

    Every engine's frame comes out alike, as DuckDB's does: lowercase column names, decimals as
    floats and timestamps as naive wall-clock times (Spark's are instants in the session's zone).
    """
    if isinstance(relation, pd.DataFrame):
        frame = relation
    elif isinstance(relation, pa.Table):
        frame = relation.to_pandas(date_as_object=False)
    elif hasattr(relation, "toArrow"):  # PySpark 4
        frame = relation.toArrow().to_pandas(date_as_object=False)
    elif hasattr(relation, "toPandas"):  # older PySpark
        frame = relation.toPandas()
    elif hasattr(relation, "to_pandas"):  # Snowpark
        frame = relation.to_pandas()
    elif hasattr(relation, "to_arrow_table"):  # DuckDB: through Arrow, ten times faster on text
        frame = relation.to_arrow_table().to_pandas(date_as_object=False)
    else:
        raise TypeError(f"cannot convert {type(relation).__name__} to pandas")
    frame.columns = [str(c).lower() for c in frame.columns]
    return _like_duckdb(frame)


def _like_duckdb(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_localize(None)
        elif values.dtype == object and _holds_decimals(values):
            frame[column] = values.astype(float)
    return frame


def _holds_decimals(values: pd.Series) -> bool:
    first = values.first_valid_index()
    return first is not None and isinstance(values[first], Decimal)


def filtered(relation, predicate: str):
    """The relation filtered by a SQL predicate in its own engine, before anything reaches pandas.

    DuckDB relations and PySpark DataFrames both take a SQL string in .filter(); a pandas frame
    (as in tests) is filtered with DataFrame.query, which reads the same simple predicates.
    """
    if isinstance(relation, pd.DataFrame):
        return relation.query(predicate)
    return relation.filter(predicate)


def selected(relation, columns: list[str]):
    """Only these columns of the relation, chosen in its own engine (pandas frames as in tests)."""
    if isinstance(relation, pd.DataFrame):
        return relation[columns]
    if hasattr(relation, "project"):  # DuckDB
        return relation.project(", ".join(columns))
    return relation.select(*columns)  # PySpark, Snowpark
