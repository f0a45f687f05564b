"""An interactive, self-contained HTML view of the network (vis-network through pyvis).

Nodes sit in their tissue lanes; clicking or hovering an edge shows its sign, mechanism,
organism, evidence and references. The JavaScript is inlined, so the file opens offline.
"""

from __future__ import annotations

import re

import networkx as nx
from pyvis.network import Network

from mbaxis.network.naming import symbol_of
from mbaxis.plots import KIND_COLOURS, network_layout

__all__ = ["network_html"]


def network_html(graph: nx.DiGraph) -> str:
    """The graph as one HTML page with the vis-network library inlined."""
    view = Network(height="800px", width="100%", directed=True, cdn_resources="in_line")
    view.toggle_physics(False)
    for node, (x, y) in network_layout(graph).items():
        data = graph.nodes[node]
        view.add_node(
            node,
            label=symbol_of(node),
            x=x * 120,
            y=-y * 60,
            color=KIND_COLOURS.get(data["kind"], "#ffffff"),
            shape="box",
            title=f"{node}\n{data['name']}\nkind: {data['kind']}, unit: {data['unit']}\n"
            f"rest: {data['resting_level']:g} ({data['resting_source']})",
        )
    for source, target, data in graph.edges(data=True):
        references = "; ".join(data["references"])
        view.add_edge(
            source,
            target,
            color="#2a9d8f" if data["sign"] > 0 else "#e63946",
            arrows={"to": {"enabled": True, "type": "arrow" if data["sign"] > 0 else "bar"}},
            title=(
                f"{data['id']}: {source} -> {target} ({'+' if data['sign'] > 0 else '-'}, "
                f"{data['mechanism']}; {data['organism']}; evidence {data['evidence_level']})\n"
                f"{data['evidence']}\n"
                f"references: {references}"
            ),
        )
    page = str(view.generate_html(notebook=False))
    # pyvis also links a placeholder vis path and Bootstrap from a CDN; the inlined vis-network
    # needs neither, and an offline page must not reach out.
    page = re.sub(r"<link[^>]*(?:node_modules|https?://)[^>]*>", "", page, flags=re.S)
    page = re.sub(
        r"<script[^>]*src=\"(?:\.\./node_modules|https?://)[^\"]*\"[^>]*>\s*</script>",
        "",
        page,
        flags=re.S,
    )
    heading = (
        "<h3 style='font-family:sans-serif'>mbaxis network: hover or click an edge for "
        "its evidence and references</h3>"
    )
    body = re.search(r"<body[^>]*>", page)
    if body is None:  # a page without <body>: the heading goes first, the network stays
        return heading + page
    return page[: body.end()] + heading + page[body.end() :]
