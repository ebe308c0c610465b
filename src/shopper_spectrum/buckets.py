"""One pandas function, two engines: on Spark it runs on the executors over buckets of rows
(applyInPandas), so the heavy tables never reach the driver; on DuckDB over one bucket per core,
in threads (numpy's and scipy's work releases the GIL), so that a Python model uses the cores its
build has.

The function must give each row the same result whichever bucket it lands in (per customer, or
per product), and take what it shares between buckets (small tables, settings) from its closure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import duckdb
import pandas as pd

from shopper_spectrum.frames import to_pandas

BUCKET = "bucket"
PandasFunction = Callable[..., pd.DataFrame]
Item, Result = TypeVar("Item"), TypeVar("Result")
LOCAL_WORKERS = os.cpu_count() or 1


def is_spark(relation) -> bool:
    """Whether a dbt Python model was handed a PySpark DataFrame (else DuckDB or pandas)."""
    return type(relation).__module__.startswith("pyspark.")


def bucket_count(relation) -> int:
    """Buckets per grouped function on Spark: the session's shuffle partitions."""
    return int(relation.sparkSession.conf.get("spark.sql.shuffle.partitions"))


def with_bucket(relation, key: str, buckets: int):
    """The Spark relation with a `bucket` column: the hash of `key` modulo buckets."""
    from pyspark.sql import functions as F  # noqa: PLC0415 (pyspark: the spark group only)

    return relation.withColumn(BUCKET, F.pmod(F.hash(F.col(key)), F.lit(buckets)))


def by_bucket(function: PandasFunction, relation, key: str, schema: str):
    """function(rows) over the relation's rows, in buckets of `key`: on Spark returning a Spark
    DataFrame of `schema`; elsewhere pandas, the buckets contiguous ranges of `key`'s sorted
    values, concatenated in that order (the rows one call over the whole table gives, when
    function orders its rows by `key`). A DuckDB relation is split by DuckDB, each bucket read
    while the one before it is worked on."""
    if not is_spark(relation):
        ranges = _key_ranges(_sorted_keys(relation, key), LOCAL_WORKERS)
        if len(ranges) < 2:
            return function(to_pandas(relation))
        return pd.concat(
            in_threads(function, (_rows_in(relation, key, *bounds) for bounds in ranges)),
            ignore_index=True,
        )

    def each_bucket(rows: pd.DataFrame) -> pd.DataFrame:
        return function(to_pandas(rows.drop(columns=BUCKET)))

    bucketed = with_bucket(relation, key, bucket_count(relation))
    return bucketed.groupBy(BUCKET).applyInPandas(each_bucket, schema)


def _sorted_keys(relation, key: str) -> list:
    """The distinct non-null values of `key`, sorted (pandas frames as in tests)."""
    if isinstance(relation, pd.DataFrame):
        return sorted(relation[key].dropna().unique().tolist())
    distinct = relation.project(key).filter(f"{key} is not null").distinct().order(key)
    return [row[0] for row in distinct.fetchall()]


def _key_ranges(sorted_keys: list, buckets: int) -> list[tuple]:
    """(first key, next bucket's first key or None) of each of at most `buckets` contiguous,
    nearly equal ranges of sorted_keys: key number r goes to bucket r * buckets // len."""
    count = len(sorted_keys)
    if count == 0:
        return []
    buckets = min(buckets, count)
    firsts = [sorted_keys[-(-number * count // buckets)] for number in range(buckets)]
    return list(zip(firsts, [*firsts[1:], None], strict=True))


def _rows_in(relation, key: str, first, next_first) -> pd.DataFrame:
    """The rows whose `key` is at least first and below next_first (None: no upper bound)."""
    if isinstance(relation, pd.DataFrame):
        inside = relation[key] >= first
        if next_first is not None:
            inside &= relation[key] < next_first
        return relation[inside]
    column = duckdb.ColumnExpression(key)
    inside = column >= duckdb.ConstantExpression(first)
    if next_first is not None:
        inside = inside & (column < duckdb.ConstantExpression(next_first))
    return to_pandas(relation.filter(inside))


def cogrouped(function: PandasFunction, left, right, group: list[str], schema: str):
    """function(left rows, right rows) over Spark relations grouped alike by `group` columns
    (both hold them, and so do the rows handed over), once per group, on the executors."""

    from pyspark.sql import functions as F  # noqa: PLC0415 (pyspark: the spark group only)

    def each_group(left_rows: pd.DataFrame, right_rows: pd.DataFrame) -> pd.DataFrame:
        return function(to_pandas(left_rows), to_pandas(right_rows))

    # The right's group columns of the left's types (cogroup matches keys by their bytes: an int
    # fold never meets a bigint one), and its own, so that relations derived from one another
    # group unambiguously.
    right = right.select(
        *[
            F.col(name).cast(left.schema[name].dataType).alias(name)
            if name in group
            else F.col(name).alias(name)
            for name in right.columns
        ]
    )
    return left.groupBy(*group).cogroup(right.groupBy(*group)).applyInPandas(each_group, schema)


def in_threads(function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """[function(item) for item in items], run on LOCAL_WORKERS threads, in items' order. items
    is consumed on the calling thread, so a generator reading a DuckDB connection reads it from
    one thread only, while earlier items are being worked on; an item is read only once fewer
    than LOCAL_WORKERS are in hand, so at most that many are held at once."""
    with ThreadPoolExecutor(LOCAL_WORKERS) as pool:
        futures = []
        for item in items:
            futures.append(pool.submit(function, item))
            if len(futures) >= LOCAL_WORKERS:
                futures[len(futures) - LOCAL_WORKERS].result()
        return [future.result() for future in futures]
