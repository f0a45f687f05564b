"""The ``mbaxis`` command line (CONTRACT section 5).

Every command takes ``--json`` (the machine-readable result on stdout and nothing else there),
writes files only where ``--out`` or ``--plot`` says, and exits with status 2 and a one-line
reason on stderr when the input is bad.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.files import write_atomically
from analysis.graph_summary import summarize_graph
from network import ModelError, load_model, to_digraph

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mbaxis", description="Mechanistic model of the exercise muscle-brain axis."
    )
    parser.add_argument(
        "--model", metavar="PATH", help="model folder or model.toml (default: the bundled model)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    graph = commands.add_parser(
        "graph", help="nodes, edges, and the signed paths from every input to BDNF"
    )
    graph.add_argument("--json", action="store_true", help="print the result as JSON")
    graph.add_argument("--plot", metavar="FILE", help="draw the graph to FILE (.png, .svg, .pdf)")
    return parser


def _graph_command(args: argparse.Namespace) -> int:
    graph = to_digraph(load_model(args.model))
    summary = summarize_graph(graph)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")  # the CLI draws to files only, never to a screen
        import matplotlib.pyplot as plt

        from analysis.plots import plot_network

        figure, ax = plt.subplots(figsize=(22, 14))
        plot_network(graph, ax=ax)
        write_atomically(
            Path(args.plot),
            lambda tmp: figure.savefig(
                tmp, dpi=150, bbox_inches="tight", format=Path(args.plot).suffix.lstrip(".")
            ),
        )
        plt.close(figure)
    if args.json:
        json.dump(summary.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(summary.to_text())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mbaxis`` command; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "graph":
            return _graph_command(args)
    except ModelError as error:
        message = str(error).replace("\n", " | ")
        print(f"mbaxis {args.command}: {message}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
