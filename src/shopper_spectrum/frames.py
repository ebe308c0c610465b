"""Boundary conversions for dbt Python models: whatever a platform hands over becomes pandas."""

from __future__ import annotations

import pandas as pd


def to_pandas(relation) -> pd.DataFrame:
    """A DuckDB relation, PySpark or Snowpark DataFrame, or Arrow table as a pandas DataFrame."""
    if isinstance(relation, pd.DataFrame):
        frame = relation
    elif hasattr(relation, "toPandas"):  # PySpark
        frame = relation.toPandas()
    elif hasattr(relation, "to_pandas"):  # Snowpark, Arrow
        frame = relation.to_pandas()
    elif hasattr(relation, "df"):  # DuckDB
        frame = relation.df()
    else:
        raise TypeError(f"cannot convert {type(relation).__name__} to pandas")
    frame.columns = [str(c).lower() for c in frame.columns]
    return frame


def filtered(relation, predicate: str):
    """The relation filtered by a SQL predicate in its own engine, before anything reaches pandas.

    DuckDB relations and PySpark DataFrames both take a SQL string in .filter(); a pandas frame
    (as in tests) is filtered with DataFrame.query, which reads the same simple predicates.
    """
    if isinstance(relation, pd.DataFrame):
        return relation.query(predicate)
    return relation.filter(predicate)
