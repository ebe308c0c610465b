"""Where a `dbt build`'s wall time goes, from the artifacts dbt leaves in its target path.

A build's wall time is what it spends outside its nodes (starting the process, parsing, the
run's hooks, such as loading the raw exports, and exiting) plus the span of its nodes. Those
nodes cannot finish sooner than their longest chain of dependent nodes (in `dbt build` a model
waits for its parents' tests too), nor than their summed node time spread over every thread. So

    best wall time = time outside the nodes + max(longest chain, node time / threads)

is what the build's own work allows with no node ever waiting for a thread: a build slower than
it loses the difference to dbt's order of nodes (dbt hands a free thread the ready node nearest
the DAG's roots, not the one with the longest chain after it); work must leave the chain, or
leave the build, to go below it.

Node times are wall times, and DuckDB runs one query on every core: two nodes at once share the
machine. So a build also takes at least its CPU time (the dbt process's user and system time)
over the machine's cores, and where that is the larger, no order of nodes and no shorter chain
helps: only less work does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache


@dataclass(frozen=True)
class BuildTiming:
    wall_seconds: float
    node_span_seconds: float
    node_seconds: float
    threads: int
    chain_seconds: float
    # The longest chain's nodes (unique ids) in build order, each with its node time.
    chain: tuple[tuple[str, float], ...]
    # The dbt process's CPU time and the machine's cores (none where not measured).
    cpu_seconds: float | None = None
    cores: int = 1

    @property
    def outside_nodes_seconds(self) -> float:
        return self.wall_seconds - self.node_span_seconds

    @property
    def seconds_per_thread(self) -> float:
        return self.node_seconds / self.threads

    @property
    def cpu_seconds_per_core(self) -> float:
        return (self.cpu_seconds or 0.0) / self.cores

    @property
    def best_seconds(self) -> float:
        """The wall time with no node ever waiting for a thread, and never less than the CPU
        time over the cores (see the module's docstring)."""
        return max(
            self.outside_nodes_seconds + max(self.chain_seconds, self.seconds_per_thread),
            self.cpu_seconds_per_core,
        )


def longest_chain(
    successors: Mapping[str, list[str]], seconds: Mapping[str, float]
) -> tuple[float, list[str]]:
    """The chain of dependent nodes with the largest summed time: (its seconds, its nodes from
    first to last). successors: each node's direct successors (every node a key); seconds: node
    times (a node missing counts 0, as a source or an exposure does)."""
    predecessors: dict[str, list[str]] = {node: [] for node in successors}
    for node, nexts in successors.items():
        for later in nexts:
            predecessors.setdefault(later, []).append(node)

    @cache
    def finish(node: str) -> float:
        return seconds.get(node, 0.0) + max(map(finish, predecessors[node]), default=0.0)

    if not predecessors:
        return 0.0, []
    last = max(predecessors, key=finish)
    chain = [last]
    while predecessors[chain[-1]]:
        chain.append(max(predecessors[chain[-1]], key=finish))
    return finish(last), chain[::-1]


def build_timing(
    results: list[dict],
    graph: Mapping[str, dict],
    wall_seconds: float,
    cpu_seconds: float | None = None,
    cores: int = 1,
) -> BuildTiming:
    """The timing of a build from its artifacts: the results of its run_results.json, and the
    `with_test_edges` graph of its graph_summary.json (the order `dbt build` keeps); with the
    process's CPU time and the machine's cores where measured."""
    names = {key: node["name"] for key, node in graph.items()}
    successors = {
        node["name"]: [names[str(later)] for later in node.get("succ", [])]
        for node in graph.values()
    }
    # The run's hooks run before or after every node, on dbt's main thread: outside the nodes.
    nodes = [r for r in results if r["timing"] and not r["unique_id"].startswith("operation.")]
    spans = {result["unique_id"]: _span(result["timing"]) for result in nodes}
    seconds = {node: (end - start).total_seconds() for node, (start, end) in spans.items()}
    chain_seconds, chain = longest_chain(successors, seconds)
    node_span = (
        max(end for _, end in spans.values()) - min(start for start, _ in spans.values())
    ).total_seconds()
    return BuildTiming(
        wall_seconds=wall_seconds,
        node_span_seconds=node_span,
        node_seconds=sum(seconds.values()),
        threads=len({result["thread_id"] for result in nodes}),
        chain_seconds=chain_seconds,
        chain=tuple((node, seconds[node]) for node in chain if node in seconds),
        cpu_seconds=cpu_seconds,
        cores=cores,
    )


def _span(timing: list[dict]) -> tuple[datetime, datetime]:
    """A node's first start and last end over its phases (compile, execute)."""
    return (
        min(datetime.fromisoformat(phase["started_at"]) for phase in timing),
        max(datetime.fromisoformat(phase["completed_at"]) for phase in timing),
    )
