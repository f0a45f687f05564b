"""What ``mbaxis graph`` reports: counts, and the signed paths from every input to BDNF."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

from mbaxis.analysis.defaults import GRAPH_TARGETS
from mbaxis.network import SignedPath, feedback_loops, signed_paths

__all__ = ["GraphSummary", "summarize_graph"]


@dataclass(frozen=True)
class GraphSummary:
    """Counts of a model graph and the signed paths from its inputs to chosen targets."""

    graph: nx.DiGraph
    by_compartment: dict[str, int]
    by_kind: dict[str, int]
    paths: dict[tuple[str, str], list[SignedPath]]

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``mbaxis graph --json`` (CONTRACT section 5)."""
        nodes = [
            {
                "id": node,
                "name": data["name"],
                "compartment": data["compartment"],
                "kind": data["kind"],
                "unit": data["unit"],
                "resting_level": data["resting_level"],
            }
            for node, data in self.graph.nodes(data=True)
        ]
        edges = [
            {
                "id": data["id"],
                "source": source,
                "target": target,
                "sign": data["sign"],
                "mechanism": data["mechanism"],
                "references": list(data["references"]),
                "organism": data["organism"],
                "evidence": data["evidence"],
                "evidence_level": data["evidence_level"],
            }
            for source, target, data in self.graph.edges(data=True)
        ]
        return {
            "counts": {
                "nodes": self.graph.number_of_nodes(),
                "edges": self.graph.number_of_edges(),
                "by_compartment": self.by_compartment,
                "by_kind": self.by_kind,
            },
            "nodes": nodes,
            "edges": edges,
            "paths": [
                {"source": source, "target": target, "nodes": list(path.nodes), "sign": path.sign}
                for (source, target), paths in self.paths.items()
                for path in paths
            ],
            "feedback_loops": [
                {"nodes": list(loop.nodes), "sign": loop.sign}
                for loop in feedback_loops(self.graph)
            ],
        }

    def to_text(self) -> str:
        """A readable report: counts, then the paths input by input."""
        lines = [
            f"{self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges",
            "by compartment: " + ", ".join(f"{k} {v}" for k, v in self.by_compartment.items()),
            "by kind: " + ", ".join(f"{k} {v}" for k, v in self.by_kind.items()),
        ]
        for (source, target), paths in self.paths.items():
            signs = Counter(p.sign for p in paths)
            lines.append(
                f"\n{source} -> {target}: {len(paths)} path(s), "
                f"{signs[1]} positive, {signs[-1]} negative"
            )
            lines.extend(f"  {path}" for path in paths)
        return "\n".join(lines)


def summarize_graph(graph: nx.DiGraph, targets: tuple[str, ...] = GRAPH_TARGETS) -> GraphSummary:
    """Count the graph's nodes and collect the signed paths from each input to ``targets``.

    Examples
    --------
    >>> from mbaxis.network import load_model, to_digraph
    >>> summary = summarize_graph(to_digraph(load_model()))
    >>> summary.by_compartment["brain"] > 0
    True
    """
    inputs = sorted(n for n, kind in graph.nodes(data="kind") if kind == "input")
    return GraphSummary(
        graph=graph,
        by_compartment=dict(
            sorted(Counter(nx.get_node_attributes(graph, "compartment").values()).items())
        ),
        by_kind=dict(sorted(Counter(nx.get_node_attributes(graph, "kind").values()).items())),
        paths={(i, t): signed_paths(graph, i, t) for i in inputs for t in targets},
    )
