"""shopper_spectrum.buckets on DuckDB: one bucket per core, in threads, the same rows as one call."""

import threading

import duckdb
import pandas as pd

from shopper_spectrum import buckets


def ranked_per_customer(rows: pd.DataFrame) -> pd.DataFrame:
    """A per-customer function that orders its output by customer, as the scoring does."""
    ranked = rows.sort_values(["customer_id", "amount"], ascending=[True, False])
    return ranked.assign(rank=ranked.groupby("customer_id").cumcount() + 1).reset_index(drop=True)


def test_by_bucket_on_duckdb_splits_by_customer_and_gives_one_calls_rows(monkeypatch):
    monkeypatch.setattr(buckets, "LOCAL_WORKERS", 3)
    lines = pd.DataFrame(
        {
            "customer_id": ["c7", "c1", "c3", "c1", "c9", "c3", "c5", "c7", "c2", "c2"],
            "amount": [5.0, 1.0, 2.0, 4.0, 3.0, 9.0, 6.0, 8.0, 7.0, 0.5],
        }
    )
    seen: list[list[str]] = []

    def recorded(rows: pd.DataFrame) -> pd.DataFrame:
        seen.append(sorted(set(rows["customer_id"])))
        return ranked_per_customer(rows)

    relation = duckdb.connect().from_df(lines)
    result = buckets.by_bucket(recorded, relation, "customer_id", schema="unused on DuckDB")

    pd.testing.assert_frame_equal(result, ranked_per_customer(lines))
    # Six customers in three buckets of contiguous ranges, each customer in one bucket only.
    assert sorted(seen) == [["c1", "c2"], ["c3", "c5"], ["c7", "c9"]]


def test_in_threads_keeps_order_and_reads_its_items_on_the_calling_thread(monkeypatch):
    monkeypatch.setattr(buckets, "LOCAL_WORKERS", 2)
    caller = threading.get_ident()
    read_on: set[int] = set()

    def items():
        for number in range(5):
            read_on.add(threading.get_ident())
            yield number

    results = buckets.in_threads(lambda n: pd.DataFrame({"n": [n * n]}), items())

    assert [int(frame["n"].iloc[0]) for frame in results] == [0, 1, 4, 9, 16]
    assert read_on == {caller}
