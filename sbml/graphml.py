"""GraphML export of the signed graph, for Cytoscape, Gephi, yEd and networkx users."""

from __future__ import annotations

import io

import networkx as nx

from mbaxis.network import Model, to_digraph

__all__ = ["write_graphml"]


def _scalar(value: object) -> str | int | float | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def write_graphml(model: Model) -> str:
    """The model's graph as GraphML: node and edge attributes flattened to scalars.

    Edge parameters appear as ``{name}`` attributes (``emax``, ``ec50``, ...), references as
    one ``; ``-separated string.
    """
    graph = to_digraph(model)
    flat = nx.DiGraph(name=model.name, version=model.version)
    for node, data in graph.nodes(data=True):
        flat.add_node(
            node, **{k: v for k, v in ((k, _scalar(v)) for k, v in data.items()) if v is not None}
        )
    for source, target, data in graph.edges(data=True):
        attributes = {k: _scalar(v) for k, v in data.items() if k != "parameters"}
        attributes.update({name: row.value for name, row in data["parameters"].items()})
        flat.add_edge(source, target, **{k: v for k, v in attributes.items() if v is not None})
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")
