"""shopper_spectrum.buckets on DuckDB: one bucket per core, in threads, the same rows as one call."""

import threading
import time

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


def test_in_threads_keeps_order_and_reads_items_on_the_calling_thread_two_at_a_time(monkeypatch):
    monkeypatch.setattr(buckets, "LOCAL_WORKERS", 2)
    caller = threading.get_ident()
    read_on: set[int] = set()
    in_hand: list[int] = []  # items read and not yet worked through, after each read
    done: set[int] = set()
    second_read = threading.Event()

    def items():
        for number in range(6):
            read_on.add(threading.get_ident())
            in_hand.append(number + 1 - len(done))
            if number == 1:
                second_read.set()
            yield number

    def square(number: int) -> pd.DataFrame:
        # The first item is in hand when the second is read; the later ones take long enough
        # that a reader running ahead would hold several.
        if number == 0:
            second_read.wait(timeout=5)
        else:
            time.sleep(0.02)
        done.add(number)
        return pd.DataFrame({"n": [number * number]})

    results = buckets.in_threads(square, items())

    assert [int(frame["n"].iloc[0]) for frame in results] == [0, 1, 4, 9, 16, 25]
    assert read_on == {caller}
    assert max(in_hand) == 2


def test_by_bucket_keeps_no_more_buckets_than_keys_and_leaves_out_rows_without_a_key(monkeypatch):
    monkeypatch.setattr(buckets, "LOCAL_WORKERS", 3)
    lines = pd.DataFrame(
        {"customer_id": ["c2", None, "c1", "c2", "c1"], "amount": [1.0, 9.0, 2.0, 3.0, 4.0]}
    )
    seen: list[list[tuple[str, float]]] = []

    def recorded(rows: pd.DataFrame) -> pd.DataFrame:
        seen.append(list(zip(rows["customer_id"], rows["amount"], strict=True)))
        return ranked_per_customer(rows)

    for relation in (lines, duckdb.connect().from_df(lines)):
        seen.clear()
        result = buckets.by_bucket(recorded, relation, "customer_id", schema="unused on DuckDB")
        # Two customers, two buckets of one customer each, in key order; each bucket keeps its
        # rows' order.
        assert seen == [[("c1", 2.0), ("c1", 4.0)], [("c2", 1.0), ("c2", 3.0)]]
        pd.testing.assert_frame_equal(
            result, ranked_per_customer(lines.dropna()).reset_index(drop=True)
        )

    # One customer, or none (a build of guest lines only): one call with every row.
    for rows, expected in (
        (lines[lines["customer_id"] == "c1"], [[("c1", 2.0), ("c1", 4.0)]]),
        (lines[:0], [[]]),
    ):
        seen.clear()
        buckets.by_bucket(
            recorded, duckdb.connect().from_df(rows), "customer_id", schema="unused on DuckDB"
        )
        assert seen == expected


def test_key_ranges_put_key_number_r_in_bucket_r_times_buckets_over_keys():
    assert buckets._key_ranges([], 2) == []
    for count in range(1, 12):
        keys = [f"k{number:02d}" for number in range(count)]
        for workers in (2, 3, 4):
            ranges = buckets._key_ranges(keys, workers)
            bucket_of = {
                key: number
                for number, (first, next_first) in enumerate(ranges)
                for key in keys
                if key >= first and (next_first is None or key < next_first)
            }
            expected = {key: rank * min(workers, count) // count for rank, key in enumerate(keys)}
            assert bucket_of == expected, (count, workers)
