"""The main job: every figure (PNG and SVG), table (CSV) and model file, and one report.html.

``mbaxis report --out results/`` runs the protocols, the knock-out scans, the sensitivity
analyses and the validation suite, and writes a self-contained HTML page (figures embedded)
that opens offline.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from tqdm import tqdm

from mbaxis.analysis.calibration.problem import bundled_fit_path
from mbaxis.analysis.defaults import DEFAULT_PROTOCOL, DEFAULT_READOUT
from mbaxis.analysis.ensembles import load_ensemble, simulate_ensemble
from mbaxis.analysis.graph_summary import summarize_graph
from mbaxis.analysis.knockout import (
    epistasis,
    influence_matrix,
    knockout_scan,
)
from mbaxis.analysis.observations import load_observations
from mbaxis.analysis.optimization import optimize_schedule
from mbaxis.analysis.optimization.mechanisms import carrying_paths
from mbaxis.analysis.optimization.search import SEARCH_SETTINGS, rescore
from mbaxis.analysis.population import (
    Cohort,
    CohortMember,
    load_covariates,
    population_responses,
    sample_population,
    single,
)
from mbaxis.analysis.population.checks import load_population_checks, run_population_checks
from mbaxis.analysis.protocols import parse_protocol
from mbaxis.analysis.sensitivity import default_scenario, local_sensitivity, sobol_indices
from mbaxis.analysis.simulation import Simulator
from mbaxis.analysis.structure import agreement, concordance
from mbaxis.analysis.subjects import REFERENCE_SUBJECT
from mbaxis.analysis.validation import Scorecard, validate
from mbaxis.calibration import (
    cross_validation_figure,
    fits_figure,
    profiles_figure,
    read_tsv,
    waterfall_figure,
)
from mbaxis.files import write_atomically, write_text_atomically
from mbaxis.interactive import network_html
from mbaxis.network import Model, load_model, logical_model, to_digraph
from mbaxis.optimization import plot_convergence, plot_pareto
from mbaxis.plots import (
    plot_ensemble_timecourse,
    plot_epistasis,
    plot_importance_on_graph,
    plot_knockout_heatmap,
    plot_network,
    plot_sobol,
    plot_timecourse,
    plot_tornado,
)
from mbaxis.population import plot_responders, plot_response_distributions
from mbaxis.sbml import COMMITTED_FILES, export

__all__ = ["REPORT_PROTOCOLS", "ReportSettings", "build_report", "plot_scorecard"]

#: One run per protocol of the library, at settings typical of the literature.
REPORT_PROTOCOLS = {
    "aerobic": "aerobic(duration_min=40,intensity=0.7)",
    "hiit": "hiit(bouts=4,work_min=4,rest_min=3,intensity=0.9,rest_intensity=0.5)",
    "sprint": "sprint(bouts=4,work_min=0.5,intensity=1.5,rest_min=4)",
    "resistance": "resistance(duration_min=45,load=0.7)",
    "lactate_infusion": "lactate_infusion(duration_min=60)",
    "fasting": "fasting(duration_h=48)",
    "ketone_ester": "ketone_ester(dose_g=25)",
    "heat": "heat(duration_min=30,core_temp_rise=0.8)",
    "stress": "stress(duration_min=20,intensity=0.5)",
    "testosterone_therapy": "testosterone_therapy(dose=10,days=14)",
    "estradiol_therapy": "estradiol_therapy(dose=2,days=14)",
    "gh_secretagogue": "gh_secretagogue(dose_mg=25,days=14)",
    "training": "training(protocol=aerobic(duration_min=40,intensity=0.7),sessions_per_week=3,"
    "weeks=8)",
}
READOUTS = (
    "plasma__lactate",
    "serum__BDNF",
    "plasma__proBDNF",
    "brain__BDNF_mRNA",
    "brain__mBDNF",
    "plasma__IL6",
    "plasma__cortisol",
    "plasma__BHB",
)


@dataclass(frozen=True)
class ReportSettings:
    """How much work the report does (the defaults are the published settings)."""

    jobs: int = 2
    null_copies: int = 1000
    sobol_n: int = 256
    sobol_top: int = 20
    population_n: int = 500
    optimize_evaluations: int = 600
    optimize_members: int = 40
    progress: bool = True


@dataclass
class _Report:
    out: Path
    sections: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def figure(self, name: str, figure: Figure, caption: str) -> None:
        for suffix in ("png", "svg"):
            path = self.out / "figures" / f"{name}.{suffix}"
            write_atomically(path, partial(_save, figure, suffix))
            self.files.append(str(path.relative_to(self.out)))
        buffer = io.BytesIO()
        figure.savefig(buffer, dpi=110, bbox_inches="tight", format="png")
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.sections.append(
            f"<figure><img alt='{html.escape(name)}' src='data:image/png;base64,{encoded}'/>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    def table(self, name: str, table: pd.DataFrame, caption: str, show: int = 15) -> None:
        path = self.out / "tables" / f"{name}.csv"
        write_atomically(path, lambda tmp: table.to_csv(tmp, index=False))
        self.files.append(str(path.relative_to(self.out)))
        self.sections.append(
            f"<p class='caption'>{html.escape(caption)} (first {min(show, len(table))} of "
            f"{len(table)} rows; all in <code>{html.escape(str(path.relative_to(self.out)))}"
            f"</code>)</p>"
            + table.head(show).to_html(
                index=False, float_format=lambda value: f"{value:.4g}", classes="data", border=0
            )
        )

    def heading(self, text: str, paragraph: str = "") -> None:
        self.sections.append(
            f"<h2>{html.escape(text)}</h2>"
            + (f"<p>{html.escape(paragraph)}</p>" if paragraph else "")
        )


def _save(figure: Figure, suffix: str, path: str) -> None:
    figure.savefig(path, dpi=150, bbox_inches="tight", format=suffix)


def plot_scorecard(card: Scorecard, *, ax: Any = None) -> Any:
    """Accuracy per tag on the test findings (no parameter was set from them), with the test
    and overall accuracy, the majority baseline and the null model."""
    if ax is None:
        ax = Figure(figsize=(9, 6)).subplots()
    test = card.test
    tags = test["per_tag"] if test["total"] else card.per_tag
    names = list(tags)
    ax.barh(names, [tags[t]["accuracy"] for t in names], color="#8ecae6")
    for position, tag in enumerate(names):
        ax.text(
            1.01,
            position,
            f"{tags[tag]['correct']:.0f}/{tags[tag]['total']:.0f}",
            va="center",
            fontsize=7,
        )
    if test["total"]:
        ax.axvline(
            test["accuracy"], color="#023047", lw=2, label=f"test findings {test['accuracy']:.1%}"
        )
    ax.axvline(card.accuracy, color="#219ebc", lw=1, label=f"all findings {card.accuracy:.1%}")
    label, baseline = card.majority_baseline
    ax.axvline(baseline, color="#e63946", ls="--", label=f"always '{label}' {baseline:.1%}")
    if card.null_accuracies:
        ax.axvline(
            float(np.mean(card.null_accuracies)),
            color="#fb8500",
            ls=":",
            label=f"sign-shuffled networks (mean) {np.mean(card.null_accuracies):.1%}",
        )
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("fraction of published test findings reproduced (per tag)")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3)
    ax.set_title(
        f"validation: {test['correct']} of {test['total']} test findings, "
        f"{card.correct} of {card.total} in all"
        + (f", null-model p = {card.p_value:.3g}" if card.p_value else ""),
        fontsize=10,
    )
    return ax


def build_report(
    out: str | Path = "results",
    *,
    model: Model | None = None,
    settings: ReportSettings | None = None,
) -> dict[str, Any]:
    """Run every analysis and write the report to ``out``; returns a summary."""
    model = model or load_model()
    settings = settings or ReportSettings()
    report = _Report(Path(out))
    report.out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("network", lambda: _network(report, model, summary)),
        ("protocols", lambda: _protocols(report, model, summary)),
        ("knock-outs", lambda: _knockouts(report, model, settings, summary)),
        ("sensitivity", lambda: _sensitivity(report, model, settings, summary)),
        ("validation", lambda: _validation(report, model, settings, summary)),
        ("calibration", lambda: _calibration(report, model, summary)),
        ("populations", lambda: _populations(report, model, settings, summary)),
        ("optimisation", lambda: _optimisation(report, model, settings, summary)),
        ("model files", lambda: _model_files(report, model)),
    ]
    for _, step in tqdm(steps, desc="report", unit="part", disable=not settings.progress):
        step()
    page = _page(model, report, summary)
    write_text_atomically(report.out / "report.html", page)
    summary["files"] = [*report.files, "report.html"]
    write_text_atomically(report.out / "summary.json", json.dumps(summary, indent=1) + "\n")
    return summary


def _network(report: _Report, model: Model, summary: dict[str, Any]) -> None:
    graph = to_digraph(model)
    counts = summarize_graph(graph)
    summary["network"] = {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "by_compartment": counts.by_compartment,
    }
    report.heading(
        "The network",
        f"{graph.number_of_nodes()} nodes and "
        f"{graph.number_of_edges()} signed interactions, each with references; "
        "the interactive view (network.html) shows the evidence of every edge.",
    )
    figure = Figure(figsize=(22, 14))
    ax = figure.subplots()
    plot_network(graph, ax=ax)
    report.figure(
        "network",
        figure,
        "Signed graph in tissue lanes: arrows activate, bars inhibit; colours are node kinds.",
    )
    write_text_atomically(report.out / "network.html", network_html(graph))
    report.files.append("network.html")


def _protocols(report: _Report, model: Model, summary: dict[str, Any]) -> None:
    simulator = Simulator(model)
    report.heading(
        "Protocols",
        "Each protocol of the library from rest; fold change from "
        "t = 0 of key readouts, inputs shaded.",
    )
    rows = []
    figure = Figure(figsize=(18, 22), layout="constrained")
    axes = figure.subplots(5, 3)
    for ax, (name, text) in zip(axes.flat, REPORT_PROTOCOLS.items(), strict=False):
        protocol = parse_protocol(text)
        course = simulator.run([protocol])
        plot_timecourse(course, list(READOUTS), ax=ax, relative=True)
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=6)
        for readout in READOUTS:
            values = course[readout]
            rows.append(
                {
                    "protocol": text,
                    "readout": readout,
                    "unit": course.attrs["units"][readout],
                    "rest": values.iloc[0],
                    "max": values.max(),
                    "time_of_max_min": values.idxmax(),
                    "min": values.min(),
                    "final": values.iloc[-1],
                }
            )
    for ax in list(axes.flat)[len(REPORT_PROTOCOLS) :]:
        ax.set_axis_off()
    report.figure("protocols", figure, "Time courses of every protocol (fold change from t = 0).")
    report.table(
        "protocols",
        pd.DataFrame(rows),
        "Peak, trough and final value of each readout under each protocol, in display units",
    )


def _knockouts(
    report: _Report, model: Model, settings: ReportSettings, summary: dict[str, Any]
) -> None:
    protocol = parse_protocol(DEFAULT_PROTOCOL)
    report.heading(
        "Knock-outs",
        "Every node knocked out (and every pair, for Bdnf mRNA) under "
        "60 min of aerobic exercise at 70% VO2max.",
    )
    scan = knockout_scan(model, protocol, jobs=settings.jobs)
    figure = Figure(figsize=(9, 12))
    ax = figure.subplots()
    plot_knockout_heatmap(scan, ax=ax)
    report.figure(
        "knockouts", figure, "log2 ratio of the readout's maximum with and without each knock-out."
    )
    report.table(
        "knockouts",
        scan.assign(perturbations=scan["perturbations"].map(" + ".join)),
        "Single knock-outs",
    )
    double = knockout_scan(model, protocol, [DEFAULT_READOUT], double=True, jobs=settings.jobs)
    matrix = epistasis(double, DEFAULT_READOUT)
    figure = Figure(figsize=(12, 12))
    ax = figure.subplots()
    plot_epistasis(matrix, ax=ax, title="epistasis of double knock-outs on Bdnf mRNA")
    report.figure(
        "epistasis",
        figure,
        "Observed double knock-out effect against the product of "
        "the single effects (log2); 0 = independent.",
    )
    report.table("epistasis", matrix.reset_index(names="knockout"), "Epistasis matrix")
    table = concordance(model, scan, protocol)
    shares = agreement(table)
    summary["knockouts"] = {
        "rows": len(scan),
        "graph_agreement": shares["graph"],
        "logical_agreement": shares["logical"],
    }
    report.table(
        "concordance",
        table,
        f"ODE calls against the signed graph "
        f"({shares['graph']:.0%} agree) and the logical model "
        f"({shares['logical']:.0%} agree); disagreements with the paths that explain "
        "them",
    )
    logical = logical_model(model)
    levels = {name: logical.stable_levels([name]) for name in logical.inputs}
    states = pd.DataFrame(levels).loc[list(logical.nodes)]
    report.table(
        "logical_states",
        states.reset_index(names="node"),
        "Stable levels of the logical model (steps of 5% from rest; -6 absent, +6 six steps or "
        "more) with each input switched on alone, as AEON computes them from "
        "mbaxis_qual_boolean.xml (tests/analysis/test_logical_states.py)",
    )
    influence = influence_matrix(model, protocol, jobs=settings.jobs)
    ranking = pd.DataFrame(
        {
            "node": list(influence.attrs["influence"]),
            "influence": list(influence.attrs["influence"].values()),
            "sensitivity": [
                influence.attrs["sensitivity"][n] for n in influence.attrs["influence"]
            ],
        }
    )
    report.table(
        "influence",
        ranking.sort_values("influence", ascending=False),
        "Influence (sum of |effects| of knocking a node down by half on all others) "
        "and sensitivity (sum of |effects| on it)",
    )


def _sensitivity(
    report: _Report, model: Model, settings: ReportSettings, summary: dict[str, Any]
) -> None:
    question = default_scenario()
    report.heading(
        "Sensitivity",
        "Which parameters decide the maximum of hippocampal Bdnf "
        "mRNA after 60 min of aerobic exercise at 70% VO2max.",
    )
    local = local_sensitivity(model, question, jobs=settings.jobs)
    figure = Figure(figsize=(9, 7))
    ax = figure.subplots()
    plot_tornado(local, ax=ax, top=20)
    report.figure("tornado", figure, "Local normalised sensitivities (d ln S / d ln p).")
    report.table("local_sensitivity", local, "Local sensitivities of every parameter")
    figure = Figure(figsize=(22, 14))
    ax = figure.subplots()
    plot_importance_on_graph(
        to_digraph(model),
        dict(zip(local["parameter"], local["coefficient"].fillna(0.0), strict=True)),
        ax=ax,
    )
    report.figure(
        "importance_graph", figure, "Local sensitivity summed per interaction, drawn as edge width."
    )
    top = local["parameter"].head(settings.sobol_top).tolist()  # the ranking just computed
    indices = sobol_indices(
        model, question, parameters=top, n=settings.sobol_n, seed=0, jobs=settings.jobs
    )
    figure = Figure(figsize=(10, 5))
    ax = figure.subplots()
    plot_sobol(indices, ax=ax)
    report.figure(
        "sobol",
        figure,
        f"Sobol indices of the {settings.sobol_top} most influential "
        f"parameters (N = {settings.sobol_n}, seed 0).",
    )
    report.table("sobol", indices, "Sobol indices with 95% bootstrap intervals")
    summary["sensitivity"] = {
        "top_local": local["parameter"].head(5).tolist(),
        "top_sobol": indices["parameter"].head(5).tolist(),
    }


def _validation(
    report: _Report, model: Model, settings: ReportSettings, summary: dict[str, Any]
) -> None:
    card = validate(
        model, load_observations(), null_copies=settings.null_copies, jobs=settings.jobs
    )
    label, baseline = card.majority_baseline
    test = card.test
    summary["validation"] = {
        "test": {k: test[k] for k in ("total", "correct", "accuracy", "per_organism")},
        "total": card.total,
        "correct": card.correct,
        "accuracy": card.accuracy,
        "majority_baseline": baseline,
        "null_copies": len(card.null_reached),
        "null_reached": sum(card.null_reached),
        "null_mean_accuracy": float(np.mean(card.null_accuracies))
        if card.null_accuracies
        else None,
        "p_value": card.p_value,
    }
    organisms = ", ".join(
        f"{name} {n['correct']:.0f} of {n['total']:.0f} ({n['accuracy']:.1%})"
        for name, n in test["per_organism"].items()
    )
    text = (
        f"Test accuracy (findings no parameter was set from): {test['correct']} of "
        f"{test['total']} ({test['accuracy']:.1%}; {organisms}). All findings, calibration "
        f"included: {card.correct} of {card.total} ({card.accuracy:.1%}); always predicting "
        f"'{label}' scores {baseline:.1%}"
    )
    if card.p_value is not None:
        text += (
            f"; {sum(card.null_reached)} of {len(card.null_reached)} sign-shuffled networks "
            f"reproduce as many (p = {card.p_value:.3g}); the {len(card.null_accuracies)} "
            f"scored on every finding average {np.mean(card.null_accuracies):.1%}"
        )
    report.heading("Validation against published findings", text + ".")
    figure = Figure(figsize=(9, 7))
    ax = figure.subplots()
    plot_scorecard(card, ax=ax)
    report.figure(
        "validation", figure, "Accuracy per tag on the test findings, against the baselines."
    )
    results = pd.DataFrame([r.to_json() for r in card.results])
    results["paths"] = results.get("paths", pd.Series(dtype=object)).map(
        lambda p: "; ".join(p) if isinstance(p, list) else ""
    )
    report.table(
        "validation",
        results.sort_values("ok"),
        "Every finding, misses first, with the signed paths to question",
        show=20,
    )


#: What the calibration section draws the ensemble's bands on: a bout the fitted parameters act in.
CALIBRATION_PROTOCOL = "aerobic(duration_min=60,intensity=0.75)"
CALIBRATION_READOUTS = ("plasma__lactate", "plasma__ACTH", "plasma__IL6")


def _calibration(report: _Report, model: Model, summary: dict[str, Any]) -> None:
    """The committed fit (analysis/data/calibration/fit): read, not refitted."""
    folder = bundled_fit_path()
    if not (folder / "calibration.json").exists():
        report.heading("Calibration", "No committed fit (run mbaxis calibrate --out).")
        return
    fit = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))
    parameters = read_tsv(folder / "fitted_parameters.tsv")
    identifiable = int((parameters["identifiable"].astype(str) == "true").sum())
    summary["calibration"] = {
        k: fit[k] for k in ("datasets", "points", "studies", "starts", "best_objective")
    } | {"identifiable": identifiable, "estimated": len(parameters)}
    report.heading(
        "Calibration",
        f"The committed fit: {fit['points']} published means in {fit['datasets']} time courses "
        f"of {fit['studies']} studies (a PEtab problem), {fit['starts']} starts "
        f"({fit['converged_starts']} reach the best objective, {fit['best_objective']:.4g}); "
        f"{identifiable} of {len(parameters)} estimated parameters are identifiable, and only "
        "those went back into the tables. The data are far fewer than the model needs: read "
        "the intervals as what these studies can say, not what is known.",
    )
    report.figure("calibration_waterfall", waterfall_figure(read_tsv(folder / "starts.tsv")),
                  "Final objective of every start, sorted.")  # fmt: skip
    report.figure(
        "calibration_fits",
        fits_figure(read_tsv(folder / "fits.tsv"), read_tsv(folder / "curves.tsv")),
        "Each time course: published means with standard errors (black), fitted model (red).",
    )
    report.figure(
        "calibration_profiles",
        profiles_figure(read_tsv(folder / "profiles.tsv"), parameters),
        "Profile likelihoods; a parameter is identifiable when its profile crosses the 95% "
        "threshold on both sides within the bounds of parameters.tsv.",
    )
    report.table("calibration_parameters", parameters.drop(columns=["studies"]),
                 "Fitted parameters with 95% profile-likelihood intervals")  # fmt: skip
    cross = folder / "cross_validation.tsv"
    if cross.exists():
        table = read_tsv(cross)
        flagged = int(table["overfitted"].astype(str).str.lower().eq("true").sum())
        summary["calibration"]["overfitted_studies"] = flagged
        report.figure(
            "calibration_cross_validation",
            cross_validation_figure(table),
            f"Leave-one-study-out: {flagged} of {len(table)} studies are predicted more than "
            "twice as badly left out as fitted (the fit leans on them).",
        )
        report.table("calibration_cross_validation", table, "Chi-square per point, in and out")
    ensemble_path = folder / "ensemble.csv"
    if ensemble_path.exists():
        ensemble = load_ensemble(ensemble_path, model)
        bands = simulate_ensemble(
            model, ensemble, [parse_protocol(CALIBRATION_PROTOCOL)],
            columns=list(CALIBRATION_READOUTS),
        )  # fmt: skip
        figure = Figure(figsize=(9, 5))
        ax = figure.subplots()
        plot_ensemble_timecourse(bands, list(CALIBRATION_READOUTS), ax=ax)
        report.figure(
            "calibration_ensemble",
            figure,
            f"{CALIBRATION_PROTOCOL} over the {len(ensemble)} posterior members: median and "
            "5-95% band.",
        )


#: The question of the population and optimisation sections.
POPULATION_PROTOCOL = "aerobic(duration_min=40,intensity=0.7)"
POPULATION_READOUT = "brain__BDNF_mRNA"


def _populations(
    report: _Report, model: Model, settings: ReportSettings, summary: dict[str, Any]
) -> None:
    """A virtual population (the bundled covariates, the committed ensemble) and the
    population checks."""
    covariates = load_covariates()
    ensemble_path = bundled_fit_path() / "ensemble.csv"
    ensemble = load_ensemble(ensemble_path, model) if ensemble_path.exists() else None
    cohort = sample_population(covariates, settings.population_n, 0, ensemble)
    result = population_responses(
        model,
        cohort,
        [parse_protocol(POPULATION_PROTOCOL)],
        readout=POPULATION_READOUT,
        covariates=covariates,
        seed=0,
        jobs=settings.jobs,
    )
    population = result.summary()
    checks = run_population_checks(model, load_population_checks(), ensemble=ensemble,
                                   jobs=settings.jobs)  # fmt: skip
    passed = sum(row["ok"] for row in checks)
    summary["population"] = {
        k: population[k] for k in ("n", "median", "p05", "p95", "responder_fraction")
    } | {"checks_total": len(checks), "checks_correct": passed}
    report.heading(
        "Virtual population",
        f"{settings.population_n} people drawn from the bundled covariates (US adults: sex, "
        "age, training status; Val66Met genotypes of people of European descent; menopause "
        "from the median age), each with a member of the committed ensemble, run "
        f"{POPULATION_PROTOCOL}: the peak of {POPULATION_READOUT} against the same person at "
        f"rest has median {population['median']:+.1%} (5-95%: {population['p05']:+.1%} to "
        f"{population['p95']:+.1%}). The spread comes only from the covariates and the "
        "posterior ensemble (uncertainty about the parameters, not a model of how people "
        f"differ): the population checks below pass {passed} of {len(checks)}, and the "
        "published spread of acute BDNF responses is far wider than the model's.",
    )
    figure = Figure(figsize=(11, 6))
    plot_response_distributions(result, figure.subplots())
    report.figure("population_responses", figure, "The response of every stratum.")
    figure = Figure(figsize=(9, 5))
    plot_responders(result, figure.subplots())
    report.figure("population_responders", figure, "Responders (above 5%) by covariate.")
    report.table("population_strata", result.strata(), "Responses per stratum")
    report.table(
        "population_checks",
        pd.DataFrame(checks)[["id", "measure", "expected", "value", "ok", "source"]],
        "Population checks: published findings about how responses vary between people",
    )


def _optimisation(
    report: _Report, model: Model, settings: ReportSettings, summary: dict[str, Any]
) -> None:
    """A short schedule search: the reference subject, 8 weeks, 150 min a week."""
    result = optimize_schedule(
        model,
        single(),
        readout=POPULATION_READOUT,
        weeks=8,
        budget_min_per_week=150,
        evaluations=settings.optimize_evaluations,
        jobs=settings.jobs,
    )
    ranked = result.distinct()
    if not ranked:
        report.heading("Protocol optimisation", "No schedule could be scored.")
        return
    best = result.best(1)[0]
    paths, _ = carrying_paths(model, ranked[0].schedule, POPULATION_READOUT, "mean", 8,
                              jobs=settings.jobs, settings=SEARCH_SETTINGS)  # fmt: skip
    summary["optimisation"] = {
        "evaluations": result.evaluations,
        "best": best["schedule"],
        "value": best["value"],
        "minutes_per_week": best["minutes_per_week"],
    }
    carried = "; ".join(" -> ".join(p.nodes) + f" ({p.share:.0%})" for p in paths[:3])
    report.heading(
        "Protocol optimisation",
        f"Differential evolution over weekly schedules (seed 0, {result.evaluations} schedules "
        "scored) for the mean of hippocampal Bdnf mRNA over 8 weeks within 150 min a week, in "
        f"the reference subject: the best found is {'; '.join(best['schedule'])} "
        f"({best['relative_change']:+.1%} over rest, {best['minutes_per_week']:g} min a "
        f"week). The optimum is the model's: it rests on the paths {carried or 'none found'} "
        "(the share of the effect each path's weakest edge carries), at the strengths the "
        "tables give them, not on a trial that compared these schedules.",
    )
    figure = Figure(figsize=(8, 5.5))
    plot_pareto(result, figure.subplots())
    report.figure("optimisation_pareto", figure, "Effect against minutes a week.")
    ensemble_path = bundled_fit_path() / "ensemble.csv"
    if ensemble_path.exists() and len(ranked) >= 2:
        members = settings.optimize_members
        ensemble = load_ensemble(ensemble_path, model)
        picks = np.random.default_rng(0).choice(
            len(ensemble), size=min(members, len(ensemble)), replace=False, p=ensemble.weights
        )
        cohort = Cohort(
            tuple(
                CohortMember(REFERENCE_SUBJECT, tuple(ensemble.overrides(int(i)).items()),
                             ensemble.members[int(i)])
                for i in picks
            ),
            np.full(len(picks), 1.0 / len(picks)),
        )  # fmt: skip
        again = rescore(model, result, cohort, count=3, jobs=settings.jobs)
        rows = []
        for rank, candidate in enumerate(ranked[:3], start=1):
            scored = again.candidates[candidate.schedule.key()]
            band = scored.describe(cohort.weights, again.rest, result.weeks)
            rows.append(
                {
                    "rank in the search": rank,
                    "schedule": "; ".join(band["schedule"]),
                    "minutes_per_week": band["minutes_per_week"],
                    "tables' value": candidate.score,
                    "ensemble median": band["value"],
                    "ensemble p05": band["p05"],
                    "ensemble p95": band["p95"],
                }
            )
        first, second = (again.candidates[c.schedule.key()].values for c in ranked[:2])
        ahead = float(cohort.weights[first > second].sum())
        summary["optimisation"]["best_beats_runner_up_in_ensemble"] = ahead
        report.table(
            "optimisation_ensemble",
            pd.DataFrame(rows),
            f"Where the ensemble disagrees: the three best schedules scored again on {len(picks)} "
            f"members of the posterior ensemble; the best stays ahead of the runner-up in "
            f"{ahead:.0%} of them",
        )
    figure = Figure(figsize=(7, 4.5))
    plot_convergence(result, figure.subplots())
    report.figure("optimisation_convergence", figure, "Best value against schedules scored.")


def _model_files(report: _Report, model: Model) -> None:
    for kind, name in COMMITTED_FILES.items():
        path = report.out / "model" / name
        write_text_atomically(path, export(model, kind))
        report.files.append(str(path.relative_to(report.out)))


_STYLE = """
body { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1200px; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #219ebc; } h2 { margin-top: 2em; color: #023047; }
figure { margin: 1em 0; } img { max-width: 100%; border: 1px solid #ddd; }
figcaption, .caption { font-size: 0.9em; color: #555; }
table.data { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
table.data td, table.data th { padding: 2px 6px; border-bottom: 1px solid #eee; }
"""


def _page(model: Model, report: _Report, summary: dict[str, Any]) -> str:
    validation = summary.get("validation", {})
    test = validation.get("test", {})
    lead = (
        f"Model {html.escape(model.name)} {html.escape(model.version)}: "
        f"{summary['network']['nodes']} nodes, {summary['network']['edges']} interactions. "
        f"Test accuracy {test.get('accuracy', float('nan')):.1%} "
        f"({test.get('correct')} of {test.get('total')} findings no parameter was set from; "
        f"{validation.get('correct')} of {validation.get('total')} with calibration)."
    )
    files = "".join(f"<li><code>{html.escape(f)}</code></li>" for f in report.files)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'/>"
        f"<title>mbaxis report</title><style>{_STYLE}</style></head><body>"
        "<h1>mbaxis: the exercise muscle–brain axis</h1>"
        f"<p>{lead}</p><p>{html.escape(model.description)}</p>"
        + "".join(report.sections)
        + f"<h2>Files</h2><ul>{files}</ul></body></html>"
    )
