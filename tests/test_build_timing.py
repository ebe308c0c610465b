"""The benchmark's account of where a build's time goes (scripts/build_timing.py), on hand-made
graphs and dbt artifacts whose answers are worked out by hand."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_timing.py"
_spec = importlib.util.spec_from_file_location("build_timing", SCRIPT)
build_timing = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = build_timing  # its dataclass looks its module up there
_spec.loader.exec_module(build_timing)


def test_the_longest_chain_sums_node_times_not_node_counts():
    # source → a → b → d and a → c → d, c → e: the chain through c (5 s) beats the one through
    # b (2 s); e ends a shorter chain; the source has no time.
    successors = {"source": ["a"], "a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "d": [], "e": []}
    seconds = {"a": 1.0, "b": 2.0, "c": 5.0, "d": 1.0, "e": 0.5}

    assert build_timing.longest_chain(successors, seconds) == (7.0, ["source", "a", "c", "d"])
    assert build_timing.longest_chain({}, {}) == (0.0, [])


def _timing(start: float, end: float) -> list[dict]:
    def at(second: float) -> str:
        return f"2026-12-07T10:00:{second:06.3f}Z"

    return [
        {"name": "compile", "started_at": at(start), "completed_at": at(start + 0.1)},
        {"name": "execute", "started_at": at(start + 0.1), "completed_at": at(end)},
    ]


def test_build_timing_reads_the_span_the_work_and_the_chain_from_dbt_artifacts():
    # The on-run-start hook (main thread, 0-2 s) is outside the nodes; then on two threads a
    # model (2-6 s), its test (6-7 s) and a child (7-8 s) on one, a side model (2-9 s) on the other.
    results = [
        {
            "unique_id": "operation.p.on-run-start-0",
            "thread_id": "MainThread",
            "timing": _timing(0, 2),
        },
        {"unique_id": "model.p.parent", "thread_id": "Thread-1", "timing": _timing(2, 6)},
        {"unique_id": "test.p.parent_test", "thread_id": "Thread-1", "timing": _timing(6, 7)},
        {"unique_id": "model.p.child", "thread_id": "Thread-1", "timing": _timing(7, 8)},
        {"unique_id": "model.p.side", "thread_id": "Thread-2", "timing": _timing(2, 9)},
        {"unique_id": "exposure.p.viewer", "thread_id": "Thread-2", "timing": []},
    ]
    graph = {
        "0": {"name": "model.p.parent", "succ": [1, 2]},
        "1": {"name": "test.p.parent_test", "succ": [2]},
        "2": {"name": "model.p.child", "succ": [4]},
        "3": {"name": "model.p.side", "succ": [4]},
        "4": {"name": "exposure.p.viewer"},
    }
    timing = build_timing.build_timing(results, graph, wall_seconds=12.0, cpu_seconds=20.0, cores=2)

    assert timing.node_span_seconds == pytest.approx(7.0)  # 2 s to 9 s
    assert timing.outside_nodes_seconds == pytest.approx(5.0)
    assert timing.node_seconds == pytest.approx(4 + 1 + 1 + 7)
    assert timing.threads == 2
    # parent, its test, the child: 6 s; the side model alone: 7 s
    assert timing.chain_seconds == pytest.approx(7.0)
    assert [node for node, _ in timing.chain] == ["model.p.side"]
    # outside + max(7 s of chain, 13 s / 2 threads), above the 20 s of CPU over 2 cores
    assert timing.cpu_seconds_per_core == pytest.approx(10.0)
    assert timing.best_seconds == pytest.approx(5.0 + 7.0)


def test_the_best_time_is_the_work_over_the_threads_when_that_exceeds_the_chain():
    # Four 3 s nodes side by side on two threads: no chain is longer than 3 s, but two threads
    # need 6 s for 12 s of work.
    timing = build_timing.BuildTiming(
        wall_seconds=10.0,
        node_span_seconds=7.0,
        node_seconds=12.0,
        threads=2,
        chain_seconds=3.0,
        chain=(("model.p.one", 3.0),),
    )

    assert timing.outside_nodes_seconds == pytest.approx(3.0)
    assert timing.best_seconds == pytest.approx(3.0 + 6.0)


def test_the_best_time_is_the_cpu_time_over_the_cores_when_that_exceeds_the_rest():
    # A 10 s chain on two threads, 3 s outside: 13 s by the chain; but its queries used 30 s of
    # CPU on two cores, which no order of nodes does in less than 15 s.
    timing = build_timing.BuildTiming(
        wall_seconds=16.0,
        node_span_seconds=13.0,
        node_seconds=14.0,
        threads=2,
        chain_seconds=10.0,
        chain=(("model.p.heavy", 10.0),),
        cpu_seconds=30.0,
        cores=2,
    )

    assert timing.cpu_seconds_per_core == pytest.approx(15.0)
    assert timing.best_seconds == pytest.approx(15.0)
    # where the CPU was not measured, the chain and the threads alone bound it
    assert replace(timing, cpu_seconds=None).best_seconds == pytest.approx(3.0 + 10.0)
