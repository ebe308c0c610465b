"""Boundary helpers of the dbt Python models: filtering in the engine, converting to pandas."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from shopper_spectrum.frames import filtered, selected, to_pandas

PAIRS = pd.DataFrame(
    {"Product_Code_A": ["a", "b", "c"], "customers": [1, 2, 5], "baskets": [0, 1, 3]}
)


def test_a_predicate_filters_duckdb_relations_and_pandas_frames_alike():
    predicate = "customers >= 2"
    relation = duckdb.connect().from_df(PAIRS)
    from_duckdb = to_pandas(filtered(relation, predicate))
    from_pandas = to_pandas(filtered(PAIRS, predicate))
    assert (
        from_duckdb["product_code_a"].tolist()
        == from_pandas["product_code_a"].tolist()
        == ["b", "c"]
    )


def test_to_pandas_lowercases_columns_and_rejects_unknown_types():
    assert list(to_pandas(PAIRS.copy()).columns) == ["product_code_a", "customers", "baskets"]
    with pytest.raises(TypeError, match="cannot convert"):
        to_pandas(object())


def test_selected_columns_are_chosen_in_duckdb_and_pandas_alike():
    relation = duckdb.connect().from_df(PAIRS)
    assert list(to_pandas(selected(relation, ["baskets", "customers"])).columns) == [
        "baskets",
        "customers",
    ]
    assert list(selected(PAIRS, ["baskets"]).columns) == ["baskets"]
