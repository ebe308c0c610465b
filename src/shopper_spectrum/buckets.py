"""One pandas function, two engines: on DuckDB it runs once over the whole table; on Spark it runs
on the executors over buckets of rows (applyInPandas), so the heavy tables never reach the driver.

The function must give each row the same result whichever bucket it lands in (per customer, or
per product), and take what it shares between buckets (small tables, settings) from its closure.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from shopper_spectrum.frames import to_pandas

BUCKET = "bucket"
PandasFunction = Callable[..., pd.DataFrame]


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
    """function(rows) over the relation's rows, in buckets of `key` on Spark (returning a Spark
    DataFrame of `schema`), over all of them at once elsewhere (returning pandas)."""
    if not is_spark(relation):
        return function(to_pandas(relation))

    def each_bucket(rows: pd.DataFrame) -> pd.DataFrame:
        return function(to_pandas(rows.drop(columns=BUCKET)))

    bucketed = with_bucket(relation, key, bucket_count(relation))
    return bucketed.groupBy(BUCKET).applyInPandas(each_bucket, schema)


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
