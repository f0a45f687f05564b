"""Plots of the model and its results. Every function draws on an Axes and returns it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch

from mbaxis.network.naming import owner_and_role, symbol_of

__all__ = [
    "KIND_COLOURS",
    "LANES",
    "network_layout",
    "plot_ensemble_timecourse",
    "plot_epistasis",
    "plot_importance_on_graph",
    "plot_knockout_heatmap",
    "plot_morris",
    "plot_network",
    "plot_scan",
    "plot_sobol",
    "plot_timecourse",
    "plot_tornado",
]

#: Left-to-right order of the tissue lanes: sources of signals, then blood, then brain.
LANES = ("body", "gut", "muscle", "bone", "liver", "plasma", "serum", "brain")

KIND_COLOURS = {
    "input": "#f4a261",
    "metabolite": "#e9c46a",
    "hormone": "#a8dadc",
    "protein": "#8ecae6",
    "mrna": "#b5e48c",
    "activity": "#cdb4db",
    "phenotype": "#ffafcc",
    "observable": "#dddddd",
}


def network_layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Positions with one vertical lane per compartment, ordered as :data:`LANES`.

    Within a lane, nodes go top to bottom by their distance from the inputs (signals first,
    outcomes last); in crowded lanes they alternate between two sub-columns, so that the
    edges of a cascade inside one lane stay visible.
    """
    lanes = [lane for lane in LANES if any(c == lane for _, c in graph.nodes(data="compartment"))]
    lanes += sorted({c for _, c in graph.nodes(data="compartment")} - set(lanes))
    inputs = [n for n, kind in graph.nodes(data="kind") if kind == "input"]
    depth = {node: 0 for node in inputs}
    for node, distance in nx.multi_source_dijkstra_path_length(graph, inputs).items():
        depth[node] = int(distance)
    positions: dict[str, tuple[float, float]] = {}
    for x, lane in enumerate(lanes):
        members = sorted(
            (n for n, c in graph.nodes(data="compartment") if c == lane),
            key=lambda n: (depth.get(n, 99), n),
        )
        crowded = len(members) > 10
        for y, node in enumerate(members):
            shift = (0.8 if y % 2 else -0.8) if crowded else 0.0
            positions[node] = (x * 3.5 + shift, -(y - (len(members) - 1) / 2.0))
    return positions


def plot_network(graph: nx.DiGraph, *, ax: Axes | None = None) -> Axes:
    """Draw the signed graph in tissue lanes: arrows activate, flat heads inhibit.

    Nodes are coloured by kind and labelled by symbol (the part of the ID after ``__``);
    lane titles name the compartments.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(22, 14))
    positions = network_layout(graph)
    for source, target, data in graph.edges(data=True):
        style: dict[str, Any] = {
            "arrowstyle": "-|>" if data["sign"] > 0 else "-[",
            "color": "#2a9d8f" if data["sign"] > 0 else "#e63946",
            "mutation_scale": 10,
            "lw": 0.8,
            "alpha": 0.7,
            "connectionstyle": "arc3,rad=0.08",
            "shrinkA": 12,
            "shrinkB": 12,
        }
        ax.add_patch(FancyArrowPatch(positions[source], positions[target], **style))
    for node, (x, y) in positions.items():
        kind = graph.nodes[node]["kind"]
        ax.text(
            x,
            y,
            symbol_of(node),
            ha="center",
            va="center",
            fontsize=8,
            bbox={
                "boxstyle": "round,pad=0.3",
                "fc": KIND_COLOURS.get(kind, "white"),
                "ec": "#555555",
                "lw": 0.6,
            },
            zorder=3,
        )
    tops: dict[str, float] = {}
    for node, (_, y) in positions.items():
        lane = graph.nodes[node]["compartment"]
        tops[lane] = max(tops.get(lane, y), y)
    for lane, top in tops.items():
        xs_lane = [positions[n][0] for n, c in graph.nodes(data="compartment") if c == lane]
        ax.text(
            sum(xs_lane) / len(xs_lane),
            top + 1.2,
            lane,
            ha="center",
            fontsize=11,
            fontweight="bold",
        )
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    ax.set_xlim(min(xs) - 1.5, max(xs) + 1.5)
    ax.set_ylim(min(ys) - 1, max(ys) + 2)
    ax.set_axis_off()
    ax.set_title(
        "mbaxis: signed graph of the exercise muscle–brain axis "
        "(arrow: activation, bar: inhibition)"
    )
    kinds = sorted({kind for _, kind in graph.nodes(data="kind")})
    handles: list[Any] = [
        Patch(facecolor=KIND_COLOURS.get(kind, "white"), edgecolor="#555555", label=kind)
        for kind in kinds
    ]
    handles += [
        Line2D([], [], color="#2a9d8f", marker=">", label="activation (+)"),
        Line2D([], [], color="#e63946", marker="|", markersize=10, label="inhibition (-)"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=8, ncol=2, frameon=False)
    return ax


def plot_ensemble_timecourse(
    bands: pd.DataFrame,
    readouts: Sequence[str],
    *,
    ax: Axes | None = None,
    relative: bool | None = None,
) -> Axes:
    """Ensemble medians over time (hours) with their 5-95% bands (the output of
    :func:`mbaxis.analysis.ensembles.simulate_ensemble`).

    Readouts in different units (or with ``relative=True``) are drawn as fold change from
    their median at t = 0.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 5))
    units = bands.attrs.get("units", {})
    missing = [r for r in readouts if (r, "median") not in bands.columns]
    if missing:
        raise KeyError(f"plot_ensemble_timecourse: no column(s) {', '.join(missing)}")
    if relative is None:
        relative = len({units.get(r, "") for r in readouts}) > 1
    hours = bands.index.to_numpy() / 60.0
    for readout in readouts:
        low, mid, high = (bands[(readout, s)].to_numpy() for s in ("p05", "median", "p95"))
        if relative:
            start = mid[0] if mid[0] != 0 else 1.0
            low, mid, high = low / start, mid / start, high / start
        (line,) = ax.plot(hours, mid, label=readout, lw=1.8)
        ax.fill_between(hours, low, high, color=line.get_color(), alpha=0.2, lw=0)
    ax.set_xlabel("time (h)")
    if relative:
        ax.set_ylabel("fold change from t = 0 (median; band: 5-95% of members)")
    else:
        unit = units.get(readouts[0], "") if readouts else ""
        ax.set_ylabel(f"{unit} (median; band: 5-95% of members)")
    ax.set_title(f"Ensemble of {bands.attrs.get('members', '?')} parameter sets")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_timecourse(
    course: pd.DataFrame,
    readouts: Sequence[str],
    *,
    ax: Axes | None = None,
    relative: bool | None = None,
) -> Axes:
    """Readouts over time (hours), with every active input drawn as a shaded band.

    Readouts that share one unit are drawn in it; readouts in different units (or with
    ``relative=True``) are drawn as fold change from their value at t = 0.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 5))
    units = course.attrs.get("units", {})
    missing = [r for r in readouts if r not in course.columns]
    if missing:
        raise KeyError(f"plot_timecourse: no column(s) {', '.join(missing)} in the time course")
    if relative is None:
        relative = len({units.get(r, "") for r in readouts}) > 1
    hours = course.index.to_numpy() / 60.0
    for readout in readouts:
        values = course[readout].to_numpy()
        if relative:
            start = values[0] if values[0] != 0 else 1.0
            values = values / start
        ax.plot(hours, values, label=readout, lw=1.8)
    inputs = [c for c in course.attrs.get("inputs", ()) if c in course.columns]
    colours = ["#f4a261", "#e9c46a", "#a8dadc", "#cdb4db", "#b5e48c"]
    for number, name in enumerate(inputs):
        active = course[name].to_numpy() > 0
        starts = np.flatnonzero(active & ~np.r_[False, active[:-1]])
        ends = np.flatnonzero(active & ~np.r_[active[1:], False])
        for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
            ax.axvspan(
                hours[a],
                hours[b],
                color=colours[number % len(colours)],
                alpha=0.3,
                lw=0,
                label=name if k == 0 else None,
            )
    ax.set_xlabel("time (h)")
    if relative:
        ax.set_ylabel("fold change from t = 0")
    else:
        ax.set_ylabel(units.get(readouts[0], ""))
    title = ", ".join(course.attrs.get("protocols", [])) or "time course"
    perturbations = course.attrs.get("perturbations", [])
    if perturbations:
        title += " | " + ", ".join(perturbations)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return ax


def plot_knockout_heatmap(scan: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Single knock-outs (rows) x readouts (columns), coloured by log2 ratio to control."""
    if ax is None:
        import matplotlib.pyplot as plt

        singles = scan[scan["perturbations"].map(len) == 1]
        height = max(4.0, 0.22 * singles["perturbations"].nunique() + 1.5)
        _, ax = plt.subplots(figsize=(2.0 + 1.6 * scan["readout"].nunique(), height))
    singles = scan[scan["perturbations"].map(len) == 1].copy()
    singles["target"] = singles["perturbations"].map(lambda p: p[0])
    matrix = singles.pivot(index="target", columns="readout", values="log2_ratio")
    limit = float(np.nanmax(np.abs(matrix.to_numpy()))) if matrix.size else 1.0
    limit = min(max(limit, 0.1), 4.0)
    image = ax.imshow(matrix.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), matrix.index, fontsize=7)
    ax.figure.colorbar(image, ax=ax, label="log2(knock-out / control)", shrink=0.6)
    ax.set_title(
        f"knock-outs under {scan.attrs.get('protocol', '')} ({scan.attrs.get('statistic', '')})",
        fontsize=9,
    )
    return ax


def plot_epistasis(matrix: pd.DataFrame, *, ax: Axes | None = None, title: str = "") -> Axes:
    """Double knock-out epistasis (log2 observed / multiplicative expectation) as a heatmap."""
    if ax is None:
        import matplotlib.pyplot as plt

        size = max(5.0, 0.22 * len(matrix) + 2)
        _, ax = plt.subplots(figsize=(size, size))
    values = matrix.to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    limit = min(max(limit, 0.05), 4.0)
    image = ax.imshow(values, cmap="PuOr", vmin=-limit, vmax=limit)
    ax.set_xticks(range(len(matrix)), matrix.columns, rotation=90, fontsize=6)
    ax.set_yticks(range(len(matrix)), matrix.index, fontsize=6)
    ax.figure.colorbar(image, ax=ax, label="epistasis, log2(observed / expected)", shrink=0.6)
    ax.set_title(title or "epistasis of double knock-outs", fontsize=9)
    return ax


def plot_tornado(local: pd.DataFrame, *, top: int = 15, ax: Axes | None = None) -> Axes:
    """Local sensitivities d ln S / d ln p of the ``top`` parameters, largest on top."""
    rows = local.dropna(subset=["coefficient"]).head(top).iloc[::-1]
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    colours = ["#2a9d8f" if c > 0 else "#e63946" for c in rows["coefficient"]]
    ax.barh(range(len(rows)), rows["coefficient"], color=colours)
    ax.set_yticks(range(len(rows)), rows["parameter"], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("normalised sensitivity d ln S / d ln p")
    ax.set_title(
        f"{local.attrs.get('statistic', '')} of {local.attrs.get('readout', '')} "
        f"under {local.attrs.get('protocol', '')}",
        fontsize=9,
    )
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_sobol(indices: pd.DataFrame, *, top: int = 15, ax: Axes | None = None) -> Axes:
    """First-order and total Sobol indices with their bootstrap intervals."""
    rows = indices.head(top)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(max(6.0, 0.5 * len(rows) + 2), 4.5))
    x = np.arange(len(rows))
    ax.bar(
        x - 0.2,
        rows["S1"],
        0.4,
        yerr=rows["S1_conf"],
        label="S1 (first order)",
        color="#8ecae6",
        capsize=2,
    )
    ax.bar(
        x + 0.2,
        rows["ST"],
        0.4,
        yerr=rows["ST_conf"],
        label="ST (total)",
        color="#219ebc",
        capsize=2,
    )
    for position, converged in zip(x, rows["converged"], strict=True):
        if not converged:
            ax.text(float(position), 0.02, "*", ha="center", color="#e63946", fontsize=12)
    ax.set_xticks(x, rows["parameter"], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("Sobol index")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_title(f"Sobol indices (N = {indices.attrs.get('n', '?')}; * not converged)", fontsize=9)
    ax.legend(fontsize=8)
    return ax


def plot_morris(screening: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Morris mu* (mean absolute elementary effect) with its interval, largest on top."""
    rows = screening.iloc[::-1]
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    ax.barh(range(len(rows)), rows["mu_star"], xerr=rows["mu_star_conf"], color="#8ecae6")
    ax.set_yticks(range(len(rows)), rows["parameter"], fontsize=8)
    ax.set_xlabel("Morris mu* (mean |elementary effect|)")
    ax.set_title(f"Morris screening, seed {screening.attrs.get('seed', '?')}", fontsize=9)
    return ax


def plot_importance_on_graph(
    graph: nx.DiGraph, importance: dict[str, float], *, ax: Axes | None = None
) -> Axes:
    """The network with each edge drawn as wide as the summed importance of its parameters.

    ``importance`` maps parameter IDs (``{edge}__{name}``) to a non-negative number (|local
    coefficient|, mu*, or ST); parameters of species (half-lives) are ignored here.
    """
    per_edge: dict[str, float] = {}
    for name, value in importance.items():
        edge_id = owner_and_role(name)[0]
        per_edge[edge_id] = per_edge.get(edge_id, 0.0) + abs(float(value))
    largest = max(per_edge.values(), default=1.0) or 1.0
    ax = plot_network(graph, ax=ax)
    positions = network_layout(graph)
    for source, target, data in graph.edges(data=True):
        weight = per_edge.get(data["id"], 0.0) / largest
        if weight > 0.02:
            ax.add_patch(
                FancyArrowPatch(
                    positions[source],
                    positions[target],
                    arrowstyle="-",
                    color="#fb8500",
                    lw=1 + 9 * weight,
                    alpha=0.55,
                    connectionstyle="arc3,rad=0.08",
                    zorder=1,
                )
            )
    ax.set_title("importance of each interaction (orange width)", fontsize=11)
    return ax


def plot_scan(scan: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """A one-parameter scan as a line, a two-parameter scan as a heatmap."""
    readout = scan.attrs.get("readout", scan.columns[-1])
    names = [c for c in scan.columns if c != readout]
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 5))
    if len(names) == 1:
        ax.plot(scan[names[0]], scan[readout], marker="o")
        ax.set_xlabel(names[0])
        ax.set_ylabel(f"{scan.attrs.get('statistic', '')} of {readout}")
        ax.grid(alpha=0.3)
    else:
        table = scan.pivot(index=names[0], columns=names[1], values=readout)
        image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
        ax.set_yticks(range(len(table.index)), [f"{v:.3g}" for v in table.index], fontsize=7)
        ax.set_xticks(
            range(len(table.columns)), [f"{v:.3g}" for v in table.columns], fontsize=7, rotation=45
        )
        ax.set_ylabel(names[0])
        ax.set_xlabel(names[1])
        ax.figure.colorbar(image, ax=ax, label=f"{scan.attrs.get('statistic', '')} of {readout}")
    return ax
