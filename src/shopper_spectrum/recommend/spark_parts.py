"""Spark only: what each bucket of products needs to fit its item models on an executor.

A product's fit reads its neighbourhood's block of the Gram matrix — the entries between every two
of its neighbours, each one's own count included — and its neighbours' counts with it. Each bucket
gets exactly those rows, so no executor (and never the driver) holds a whole Gram matrix.
"""

from __future__ import annotations

import pandas as pd

from shopper_spectrum.buckets import BUCKET, bucket_count, with_bucket
from shopper_spectrum.frames import to_pandas
from shopper_spectrum.recommend.item_model import mean_product_count

# The columns that name one Gram matrix in int_product_pairs and int_item_neighbours.
GRAM_OF = ["fold", "count_unit"]


def neighbourhood_parts(gram, neighbours):
    """The Gram entries and the neighbour rows of each bucket of target products, both with the
    GRAM_OF columns and `bucket` (cogroup them on those)."""
    from pyspark.sql import functions as F  # noqa: PLC0415 (pyspark: the spark group only)

    targets = with_bucket(neighbours, "product_key", bucket_count(neighbours))
    members = targets.select(
        *GRAM_OF, BUCKET, "product_key", F.col("neighbour_key").alias("member")
    )
    left, right = members.alias("left"), members.alias("right")
    needed = (
        left.join(right, on=[*GRAM_OF, BUCKET, "product_key"])
        .where(F.col("left.member") <= F.col("right.member"))
        .select(
            *GRAM_OF,
            BUCKET,
            F.col("left.member").alias("product_key_a"),
            F.col("right.member").alias("product_key_b"),
        )
        .distinct()
    )
    entries = gram.select(*GRAM_OF, "product_key_a", "product_key_b", "co_count")
    return needed.join(entries, on=[*GRAM_OF, "product_key_a", "product_key_b"]), targets


def mean_counts(gram) -> dict[tuple, float]:
    """Each Gram's average product count (λ's unit), from its diagonal: one row per product."""
    diagonal = to_pandas(gram.where("product_key_a = product_key_b").select(*GRAM_OF, "co_count"))
    return {
        key: mean_product_count(rows["co_count"].to_numpy(dtype=float))
        for key, rows in diagonal.groupby(GRAM_OF)
    }


def gram_of(rows: pd.DataFrame) -> tuple:
    """The GRAM_OF key of a bucket's rows (all share it)."""
    return tuple(rows[column].iloc[0] for column in GRAM_OF)
