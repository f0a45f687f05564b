"""The ``mbaxis`` command line (CONTRACT section 5).

Every command takes ``--json`` (the machine-readable result on stdout and nothing else there),
writes files only where ``--out`` or ``--plot`` says, and exits with status 2 and a one-line
reason on stderr when the input is bad.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from mbaxis.analysis.defaults import (
    CHANGE_THRESHOLD,
    DEFAULT_PROTOCOL,
    DEFAULT_READOUT,
    DEFAULT_READOUTS,
    DEFAULT_STATISTIC,
    PLOT_READOUTS,
)
from mbaxis.analysis.statistics import STATISTICS
from mbaxis.network.errors import ModelError
from mbaxis.sbml.exporters import FORMATS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from mbaxis.analysis.subjects import Subject
    from mbaxis.analysis.validation import Scorecard

# Each command imports what it needs when it runs: `mbaxis --help` loads nothing heavy.

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse, with bad arguments reported in one line (CONTRACT section 5)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog.split()[0]} --help)\n")


#: How much work each section of `mbaxis report` does, as flags: the published settings
#: (ReportSettings' defaults, which a test keeps equal), written out so that building the parser
#: does not import the report and its plotting stack.
_REPORT_WORK: dict[str, tuple[int, str]] = {
    "sobol_n": (256, "base samples of the Sobol indices"),
    "sobol_top": (20, "parameters given Sobol indices, the top of the local ranking"),
    "population_n": (500, "people in the virtual population section"),
    "optimize_evaluations": (600, "schedules the optimisation section scores"),
    "optimize_members": (40, "calibrated ensemble members the best schedules are compared on"),
}


def _at_least_one(text: str) -> int:
    """A count given on the command line: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mbaxis", description="Mechanistic model of the exercise muscle-brain axis."
    )
    parser.add_argument(
        "--model", metavar="PATH", help="model folder or model.toml (default: the bundled model)"
    )
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="print log messages, roadrunner's and CVODE's among them, on standard error",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    graph = commands.add_parser(
        "graph", help="nodes, edges, and the signed paths from every input to BDNF"
    )
    graph.add_argument("--json", action="store_true", help="print the result as JSON")
    graph.add_argument("--plot", metavar="FILE", help="draw the graph to FILE (.png, .svg, .pdf)")

    export = commands.add_parser(
        "export",
        help="write the model as SBML core, SBML-qual, Antimony or GraphML, simulation "
        "experiments as a COMBINE archive (omex), or the calibration problem as a "
        "self-contained PEtab problem (petab)",
    )
    export.add_argument("format", choices=(*FORMATS, "omex", "petab"), help="the file format")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument(
        "--protocol",
        action="append",
        metavar="P",
        help="omex: a protocol of the experiment (repeat: run at once)",
    )
    export.add_argument(
        "--all", action="store_true", help="omex: one experiment per protocol of the library"
    )
    export.add_argument(
        "--perturb",
        action="append",
        default=[],
        metavar="SPEC",
        help="omex: a perturbation of every experiment, e.g. 'knockout(plasma__CTSB)'",
    )
    export.add_argument("--subject", metavar="SPEC", help="omex: who the experiments are done on")
    export.add_argument("--t-end", type=float, metavar="MIN", help="omex: end of the run")
    export.add_argument("--points", type=int, metavar="N", help="omex: number of output times")
    export.add_argument(
        "--problem",
        metavar="PATH",
        help="petab: the calibration problem's YAML file or folder (default: the bundled one); "
        "with --protocol instead, one experiment with mbaxis's own simulation as its measurements",
    )
    export.add_argument(
        "--json", action="store_true", help="print {format, path, bytes, sha256} as JSON"
    )

    run = commands.add_parser(
        "simulate", help="simulate protocols under perturbations (time course in display units)"
    )
    run.add_argument(
        "protocols",
        nargs="+",
        metavar="PROTOCOL",
        help="e.g. 'aerobic(duration_min=40,intensity=0.7)'; several run at once",
    )
    _subject_option(run)
    run.add_argument(
        "--perturb",
        action="append",
        default=[],
        metavar="SPEC",
        help="e.g. 'knockout(plasma__CTSB)', 'inhibit(plasma__lactate -> "
        "brain__lactate)', '{knockdown: plasma__IL6, fraction: 0.5}'",
    )
    run.add_argument(
        "--t-end",
        type=float,
        metavar="MIN",
        help="end time in minutes (default: protocol plus recovery)",
    )
    run.add_argument("--points", type=int, metavar="N", help="number of output times")
    run.add_argument(
        "--readout",
        action="append",
        default=[],
        metavar="ID",
        help="species for --plot and the --json summary (default: all)",
    )
    run.add_argument("--out", metavar="FILE.csv", help="write the time course as CSV")
    run.add_argument("--plot", metavar="FILE.png", help="draw the readouts over time")
    run.add_argument("--json", action="store_true", help="print a JSON summary")
    _ensemble_option(run)

    knockout = commands.add_parser(
        "knockout", help="knock out every node (or block every edge), alone or in pairs"
    )
    knockout.add_argument(
        "--protocol",
        default=DEFAULT_PROTOCOL,
        help="the experiment (default: %(default)s)",
    )
    knockout.add_argument(
        "--readout",
        action="append",
        default=[],
        metavar="ID",
        help="readouts (default: " + ", ".join(DEFAULT_READOUTS) + ")",
    )
    _subject_option(knockout)
    knockout.add_argument("--double", action="store_true", help="also every pair")
    knockout.add_argument("--edges", action="store_true", help="block edges instead of nodes")
    knockout.add_argument("--statistic", default=DEFAULT_STATISTIC, choices=sorted(STATISTICS))
    knockout.add_argument(
        "--window",
        nargs=2,
        type=float,
        metavar=("A", "B"),
        help="time window in minutes (default: the whole run)",
    )
    knockout.add_argument(
        "--threshold",
        type=float,
        default=CHANGE_THRESHOLD,
        help="relative change that counts as a change (default 0.05)",
    )
    knockout.add_argument("--jobs", type=int, default=1, help="worker processes")
    knockout.add_argument("--out", metavar="FILE", help="write the table (.csv or .json)")
    knockout.add_argument(
        "--resume", action="store_true", help="continue an interrupted scan (needs --out)"
    )
    knockout.add_argument("--plot", metavar="FILE", help="draw the knock-out heatmap")
    knockout.add_argument("--json", action="store_true", help="print the result as JSON")
    _ensemble_option(knockout)
    knockout.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    check = commands.add_parser(
        "validate", help="score the model against published findings (default: bundled suite)"
    )
    check.add_argument(
        "--observations",
        action="append",
        default=[],
        metavar="FILE",
        help="observation file(s) in the CONTRACT section 4 format",
    )
    _subject_option(check)
    check.add_argument(
        "--threshold",
        type=float,
        default=CHANGE_THRESHOLD,
        help="relative change that counts as a change, for entries that set none",
    )
    check.add_argument(
        "--null",
        type=int,
        default=0,
        metavar="N",
        help="also score N copies of the network with shuffled edge signs",
    )
    check.add_argument(
        "--null-full",
        type=int,
        default=None,
        metavar="K",
        help="of those, score K on every finding for the null distribution (default 100); "
        "the rest stop once they cannot reach the model's accuracy",
    )
    check.add_argument("--seed", type=int, default=0, help="seed of the null model")
    check.add_argument("--jobs", type=int, default=1, help="worker processes for the null model")
    check.add_argument("--out", metavar="FILE.json", help="write the scorecard as JSON")
    check.add_argument(
        "--resume", action="store_true", help="continue an interrupted null model (needs --out)"
    )
    check.add_argument("--json", action="store_true", help="print the scorecard as JSON")
    _ensemble_option(check)
    check.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    sense = commands.add_parser(
        "sensitivity", help="which parameters decide a readout: local, Morris or Sobol"
    )
    sense.add_argument("--method", choices=("local", "morris", "sobol"), default="local")
    sense.add_argument("--protocol", default=DEFAULT_PROTOCOL)
    sense.add_argument("--readout", default=DEFAULT_READOUT, metavar="ID")
    sense.add_argument("--statistic", default=DEFAULT_STATISTIC, choices=sorted(STATISTICS))
    sense.add_argument("--window", nargs=2, type=float, metavar=("A", "B"))
    sense.add_argument(
        "--n",
        type=int,
        default=None,
        help="Sobol base sample (power of 2, default 512) or Morris trajectories (default 20)",
    )
    sense.add_argument(
        "--top",
        type=int,
        default=20,
        help="global methods: the TOP parameters by |local coefficient|",
    )
    sense.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME",
        help="global methods: these parameters instead of the top ones",
    )
    _subject_option(sense)
    sense.add_argument("--seed", type=int, default=0)
    sense.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    sense.add_argument(
        "--scheduler", metavar="ADDR", help="run on a Dask cluster: tcp://host:8786, or 'local'"
    )
    sense.add_argument("--out", metavar="FILE", help="write the indices (.csv or .json)")
    sense.add_argument(
        "--resume", action="store_true", help="continue an interrupted analysis (needs --out)"
    )
    sense.add_argument("--plot", metavar="FILE", help="tornado (local) or bar chart (global)")
    sense.add_argument("--json", action="store_true", help="print the result as JSON")
    sense.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    calibrate = commands.add_parser(
        "calibrate",
        help="fit parameters to published time courses (a PEtab problem) with profiles",
    )
    calibrate.add_argument(
        "--problem",
        metavar="PATH",
        help="the PEtab problem's YAML file or its folder (default: the bundled problem)",
    )
    calibrate.add_argument("--starts", type=int, default=100, help="multi-start fits (default 100)")
    calibrate.add_argument("--seed", type=int, default=0, help="seed of the start points")
    calibrate.add_argument(
        "--max-iterations",
        type=int,
        default=50,
        metavar="N",
        help="Jacobian evaluations per start (default 50)",
    )
    calibrate.add_argument(
        "--no-profiles", action="store_true", help="skip the profile likelihoods (no intervals)"
    )
    calibrate.add_argument(
        "--cross-validate",
        action="store_true",
        help="leave each study out, refit, and predict it (chi-square per point in and out)",
    )
    calibrate.add_argument(
        "--cv-starts", type=int, default=10, metavar="N", help="starts of each refit (default 10)"
    )
    calibrate.add_argument(
        "--ensemble-size",
        type=int,
        default=200,
        metavar="N",
        help="posterior samples kept as the ensemble (default 200; 0: no sampling)",
    )
    calibrate.add_argument(
        "--samples",
        type=int,
        default=10000,
        metavar="N",
        help="length of the adaptive Metropolis chain (default 10000)",
    )
    calibrate.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    calibrate.add_argument("--out", metavar="DIR", help="write tables and plots of the fit here")
    calibrate.add_argument("--json", action="store_true", help="print the summary as JSON")
    calibrate.add_argument("--no-progress", action="store_true", help="hide the progress bars")

    _population_parser(commands)
    _optimize_parser(commands)

    main_job = commands.add_parser(
        "report", help="the main job: every figure, table and model file, and report.html"
    )
    main_job.add_argument("--out", default="results", metavar="DIR", help="default: results")
    main_job.add_argument("--jobs", type=int, default=None, help="default: all cores")
    main_job.add_argument(
        "--null",
        type=int,
        default=1000,
        metavar="N",
        help="sign-shuffled networks for the validation p-value (default 1000: p < 0.001 "
        "is reachable)",
    )
    for name, (default, what) in _REPORT_WORK.items():
        main_job.add_argument(
            "--" + name.replace("_", "-"),
            type=_at_least_one,
            default=default,
            metavar="N",
            help=f"{what} (default {default})",
        )
    main_job.add_argument("--json", action="store_true", help="print the summary as JSON")
    main_job.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


#: The readout and statistic a population is asked about unless told: the acute serum BDNF
#: peak, what human exercise studies measure.
_POPULATION_READOUT = "serum__BDNF"
_POPULATION_STATISTIC = "max"
_POPULATION_SIZE = 1000


def _population_parser(commands: Any) -> None:
    """The ``population`` subcommand's options (CONTRACT section 5)."""
    parser = commands.add_parser(
        "population",
        help="a virtual population (sex, age, training, Val66Met, the calibrated ensemble) "
        "runs a protocol: response distribution and responders per stratum",
    )
    parser.add_argument("--protocol", required=True, action="append", metavar="P")
    parser.add_argument("--n", type=int, default=_POPULATION_SIZE, help="people (1000)")
    parser.add_argument("--readout", default=_POPULATION_READOUT, metavar="ID")
    parser.add_argument("--statistic", default=_POPULATION_STATISTIC, choices=sorted(STATISTICS))
    parser.add_argument("--window", nargs=2, type=float, metavar=("A", "B"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--ensemble",
        metavar="FILE.csv",
        help="parameter ensemble whose members stand for the variation the covariates do not "
        "explain (default: the committed calibration's; 'none': the tables' values for all)",
    )
    parser.add_argument(
        "--covariates",
        metavar="FILE.tsv",
        help="covariate distributions (default: the bundled table, US adults; see the docs)",
    )
    parser.add_argument(
        "--responder-threshold",
        type=float,
        default=CHANGE_THRESHOLD,
        metavar="X",
        help=f"relative change above which a person responds (default {CHANGE_THRESHOLD})",
    )
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (all cores)")
    parser.add_argument(
        "--scheduler", metavar="ADDR", help="run on a Dask cluster: tcp://host:8786, or 'local'"
    )
    parser.add_argument("--out", metavar="DIR", help="write tables and figures here")
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run (needs --out)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _optimize_parser(commands: Any) -> None:
    """The ``optimize`` subcommand's options (CONTRACT section 5)."""
    parser = commands.add_parser(
        "optimize",
        help="search weekly schedules of the protocol library for the largest effect on a "
        "readout within a time budget (differential evolution; Pareto front)",
    )
    parser.add_argument("--readout", required=True, metavar="ID")
    parser.add_argument("--statistic", default="mean", choices=sorted(STATISTICS))
    parser.add_argument(
        "--budget-min-per-week",
        type=float,
        default=150.0,
        metavar="M",
        help="minutes of exercise and heat a week (fasting and drinks cost none; default 150)",
    )
    parser.add_argument("--weeks", type=float, default=8.0, help="length of the programme (8)")
    parser.add_argument(
        "--protocols",
        default="aerobic,hiit,sprint,resistance,heat,fasting",
        metavar="P,...",
        help="what schedules are built from (default: aerobic,hiit,sprint,resistance,heat,"
        "fasting; ketone_ester too)",
    )
    parser.add_argument(
        "--slots", type=int, default=2, help="kinds of session in a week (default 2)"
    )
    parser.add_argument(
        "--evaluations",
        type=int,
        default=3000,
        metavar="N",
        help="schedules to score (default 3000)",
    )
    parser.add_argument("--seed", type=int, default=0)
    _subject_option(parser)
    parser.add_argument(
        "--ensemble",
        metavar="FILE.csv",
        help="score every schedule on members of a parameter ensemble (CONTRACT section 7)",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=20,
        metavar="K",
        help="with --ensemble: K members drawn at the seed (default 20)",
    )
    parser.add_argument(
        "--population",
        type=int,
        metavar="N",
        help="score every schedule on a virtual population of N (see mbaxis population)",
    )
    parser.add_argument("--covariates", metavar="FILE.tsv", help="with --population")
    parser.add_argument(
        "--no-mechanisms",
        action="store_true",
        help="skip the edge blocks that name the paths the best schedule rests on",
    )
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (all cores)")
    parser.add_argument(
        "--scheduler", metavar="ADDR", help="run on a Dask cluster: tcp://host:8786, or 'local'"
    )
    parser.add_argument("--out", metavar="DIR", help="write tables and figures here")
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted search (needs --out)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _subject_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--subject",
        metavar="SPEC",
        help="who the experiment is done on, e.g. 'subject(sex=female,age=62)' "
        "(CONTRACT section 6; default: the reference subject, a healthy untrained young man)",
    )


def _ensemble_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ensemble",
        metavar="FILE.csv",
        help="run every member of a parameter ensemble (CONTRACT section 7) and report how the "
        "answer spreads",
    )


def _subject(args: argparse.Namespace) -> Subject:
    from mbaxis.analysis.subjects import REFERENCE_SUBJECT, parse_subject

    return parse_subject(args.subject) if args.subject else REFERENCE_SUBJECT


def _simulate_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.perturbations import parse_perturbation
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.analysis.simulation import simulate
    from mbaxis.files import write_atomically
    from mbaxis.network import load_model
    from mbaxis.plots import plot_timecourse

    model = load_model(args.model)
    protocols = [parse_protocol(text) for text in args.protocols]
    perturbations = [parse_perturbation(text) for text in args.perturb]
    for readout in args.readout:
        model.get_species(readout)  # unknown IDs fail here, with the valid ones listed
    subject = _subject(args)
    if args.ensemble:
        return _simulate_ensemble(args, model, protocols, perturbations, subject)
    course = simulate(
        model, protocols, perturbations, subject=subject, t_end=args.t_end, points=args.points
    )
    if args.out:
        write_atomically(args.out, lambda tmp: course.to_csv(tmp, index_label="time"))
    if args.plot:
        readouts = args.readout or list(PLOT_READOUTS)
        _save_figure(args.plot, (10, 5.5), lambda ax: plot_timecourse(course, readouts, ax=ax))
    if args.json:
        readouts = args.readout or list(course.columns)
        summary = {
            "protocols": [p.to_mapping() for p in protocols],
            "perturbations": [p.to_mapping() for p in perturbations],
            "t_end": float(course.index[-1]),
            "points": len(course),
            "out": args.out,
            "readouts": {
                r: {
                    "unit": course.attrs["units"][r],
                    "start": float(course[r].iloc[0]),
                    "max": float(course[r].max()),
                    "time_of_max": float(course[r].idxmax()),
                    "min": float(course[r].min()),
                    "final": float(course[r].iloc[-1]),
                }
                for r in readouts
            },
        }
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif not args.out and not args.plot:
        print(course.to_csv(index_label="time"), end="")
    return 0


def _simulate_ensemble(
    args: argparse.Namespace,
    model: Any,
    protocols: list[Any],
    perturbations: list[Any],
    subject: Subject,
) -> int:
    from tqdm import tqdm

    from mbaxis.analysis.ensembles import load_ensemble, simulate_ensemble
    from mbaxis.files import write_atomically
    from mbaxis.plots import plot_ensemble_timecourse

    ensemble = load_ensemble(args.ensemble, model)
    with tqdm(total=len(ensemble), desc="members", unit="run", disable=args.json or None) as bar:
        bands = simulate_ensemble(
            model,
            ensemble,
            protocols,
            perturbations,
            subject=subject,
            t_end=args.t_end,
            points=args.points,
            progress=bar.update,
        )
    pairs: list[tuple[str, str]] = [(str(c[0]), str(c[1])) for c in bands.columns.to_list()]
    flat = bands.copy()
    flat.columns = [name if stat == "median" else f"{name}__{stat}" for name, stat in pairs]
    if args.out:
        write_atomically(args.out, lambda tmp: flat.to_csv(tmp, index_label="time"))
    if args.plot:
        readouts = args.readout or list(PLOT_READOUTS)
        _save_figure(
            args.plot, (10, 5.5), lambda ax: plot_ensemble_timecourse(bands, readouts, ax=ax)
        )
    if args.json:
        names = list(dict.fromkeys(name for name, _ in pairs))
        readouts = args.readout or names
        summary: dict[str, Any] = {
            "protocols": [p.to_mapping() for p in protocols],
            "perturbations": [p.to_mapping() for p in perturbations],
            "ensemble": {"file": args.ensemble, "members": len(ensemble)},
            "t_end": float(bands.index[-1]),
            "points": len(bands),
            "out": args.out,
            "readouts": {},
        }
        for r in readouts:
            median = bands[(r, "median")]
            peak = median.idxmax()
            summary["readouts"][r] = {
                "unit": bands.attrs["units"][r],
                "start": float(median.iloc[0]),
                "max": float(median.max()),
                "time_of_max": float(peak),
                "band_at_max": [float(bands[(r, "p05")][peak]), float(bands[(r, "p95")][peak])],
                "final": float(median.iloc[-1]),
                "final_band": [
                    float(bands[(r, "p05")].iloc[-1]),
                    float(bands[(r, "p95")].iloc[-1]),
                ],
            }
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif not args.out and not args.plot:
        print(flat.to_csv(index_label="time"), end="")
    return 0


def _sensitivity_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.errors import ProtocolError
    from mbaxis.analysis.executor import cpu_count
    from mbaxis.analysis.knockout import records
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.analysis.scenarios import Experiment, Scenario
    from mbaxis.analysis.sensitivity import (
        describe,
        local_sensitivity,
        morris_screening,
        sobol_indices,
    )
    from mbaxis.files import write_atomically, write_text_atomically
    from mbaxis.network import load_model
    from mbaxis.plots import plot_morris, plot_sobol, plot_tornado

    model = load_model(args.model)
    scenario = Scenario(
        Experiment((parse_protocol(args.protocol),), subject=_subject(args)),
        (args.readout,),
        args.statistic,
        tuple(args.window) if args.window else None,
    )
    jobs = args.jobs if args.jobs is not None else cpu_count()
    if args.resume and not args.out:
        raise ProtocolError("--resume needs --out: the scan streams to FILE.partial.jsonl")
    checkpoint = Path(f"{args.out}.partial.jsonl") if args.out else None
    options: dict[str, Any] = {
        "jobs": jobs,
        "scheduler": args.scheduler,
        "progress": not args.no_progress,
        "checkpoint": checkpoint,
        "resume": args.resume,
    }
    parameters = args.parameter or None
    if args.method == "local":
        table = local_sensitivity(model, scenario, parameters=parameters, **options)
    elif args.method == "morris":
        table = morris_screening(
            model,
            scenario,
            parameters=parameters,
            top=args.top,
            trajectories=args.n or 20,
            seed=args.seed,
            **options,
        )
    else:
        table = sobol_indices(
            model,
            scenario,
            parameters=parameters,
            top=args.top,
            n=args.n or 512,
            seed=args.seed,
            **options,
        )
    result = {
        "method": args.method,
        **describe(scenario),
        "seed": args.seed,
        "n": args.n,
        "indices": [
            {k: (_finite(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in records(table)
        ],
    }
    if args.out:
        if args.out.endswith(".json"):
            write_text_atomically(args.out, json.dumps(result, indent=1) + "\n")
        else:
            write_atomically(args.out, lambda tmp: table.to_csv(tmp, index=False))
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
    if args.plot:
        plots: dict[str, Callable[..., Axes]] = {
            "local": plot_tornado,
            "sobol": plot_sobol,
            "morris": plot_morris,
        }
        _save_figure(args.plot, (9, 6), lambda ax: plots[args.method](table, ax=ax))
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif not args.out:
        print(table.head(20).to_string(index=False))
    return 0


def _report_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.executor import cpu_count
    from mbaxis.network import load_model
    from mbaxis.report import ReportSettings, build_report

    settings = ReportSettings(
        jobs=args.jobs if args.jobs is not None else cpu_count(),
        null_copies=args.null,
        sobol_n=args.sobol_n,
        sobol_top=args.sobol_top,
        population_n=args.population_n,
        optimize_evaluations=args.optimize_evaluations,
        optimize_members=args.optimize_members,
        progress=not args.no_progress,
    )
    summary = build_report(args.out, model=load_model(args.model), settings=settings)
    if args.json:
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        validation = summary["validation"]
        print(
            f"wrote {len(summary['files'])} files to {args.out}/ (open report.html); "
            f"test accuracy {validation['test']['accuracy']:.1%} "
            f"({validation['accuracy']:.1%} with the calibration findings)"
        )
    return 0


def _validate_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.errors import ProtocolError
    from mbaxis.analysis.observations import bundled_observations_path, load_observations
    from mbaxis.analysis.validation import validate
    from mbaxis.files import write_text_atomically
    from mbaxis.network import load_model

    model = load_model(args.model)
    files = args.observations or [str(bundled_observations_path())]
    subject = _subject(args)
    observations = [o.on_subject(subject) for path in files for o in load_observations(path)]
    if args.resume and not args.out:
        raise ProtocolError("--resume needs --out: the null model streams to FILE.partial.jsonl")
    checkpoint = Path(f"{args.out}.partial.jsonl") if args.out and args.null > 0 else None
    card = validate(
        model,
        observations,
        threshold=args.threshold,
        null_copies=args.null,
        null_full=args.null_full,
        seed=args.seed,
        jobs=args.jobs,
        progress=not args.no_progress,
        checkpoint=checkpoint,
        resume=args.resume,
    )
    for result in card.results:
        if result.error:
            print(f"mbaxis validate: {result.error} (counted as a miss)", file=sys.stderr)
    data = card.to_json()
    data["observations"] = files
    if args.ensemble:
        from mbaxis.analysis.ensembles import load_ensemble, validate_ensemble

        spread = validate_ensemble(
            model,
            observations,
            load_ensemble(args.ensemble, model),
            threshold=args.threshold,
            jobs=args.jobs,
            progress=not args.no_progress,
        )
        fraction = dict(zip(spread["id"], spread["fraction_ok"], strict=True))
        for row in data["results"]:
            row["ensemble_fraction_ok"] = fraction.get(row["id"])
        data["ensemble"] = {"file": args.ensemble, **spread.attrs}
    if not args.observations:  # the bundled suite: its population checks too
        data["population_checks"] = _population_checks(model, args.jobs)
    if args.out:
        write_text_atomically(args.out, json.dumps(data, indent=1) + "\n")
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
    if args.json:
        json.dump(data, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    _print_scorecard(card)
    if "population_checks" in data:
        checks = data["population_checks"]
        print(
            f"population checks (how responses vary between people): {checks['correct']} of "
            f"{checks['total']}"
        )
        for row in checks["results"]:
            low, high = row["expected"]
            value = "none" if row["value"] is None else f"{row['value']:.3g}"
            print(
                f"  {'ok  ' if row['ok'] else 'miss'} {row['id']}: {row['measure']} {value} "
                f"(published: {low:g} to {high:g})"
            )
    if "ensemble" in data:
        block = data["ensemble"]
        print(
            f"ensemble of {block['members']} members: accuracy {block['accuracy_median']:.1%} "
            f"(5-95%: {block['accuracy_p05']:.1%} to {block['accuracy_p95']:.1%})"
        )
    for result in card.results:
        if not result.ok:
            print(
                f"miss {result.id}: expected {result.expected}, predicted {result.predicted}"
                + (f" ({result.error})" if result.error else "")
            )
            for path in result.paths[:3]:
                print(f"    {path}")
    return 0


def _population_checks(model: Any, jobs: int | None) -> dict[str, Any]:
    """The bundled population checks on a population with the committed ensemble (when the
    model has its parameters), as the JSON block of ``validate``."""
    from mbaxis.analysis.calibration.problem import bundled_fit_path
    from mbaxis.analysis.ensembles import EnsembleError, load_ensemble
    from mbaxis.analysis.population.checks import load_population_checks, run_population_checks

    try:
        ensemble = load_ensemble(bundled_fit_path() / "ensemble.csv", model)
    except EnsembleError:  # a model of one's own without the calibrated parameters
        ensemble = None
    rows = run_population_checks(model, load_population_checks(), ensemble=ensemble, jobs=jobs or 1)
    correct = sum(row["ok"] for row in rows)
    return {
        "total": len(rows),
        "correct": correct,
        "accuracy": correct / len(rows) if rows else None,
        "ensemble": ensemble is not None,
        "results": rows,
    }


def _print_scorecard(card: Scorecard) -> None:
    """Test accuracy first (the entries no parameter was set from), then the rest."""

    def line(label: str, numbers: dict[str, float]) -> str:
        return (
            f"{label}: {numbers['correct']:.0f} of {numbers['total']:.0f} correct "
            f"({numbers['accuracy']:.1%})"
        )

    test = card.test
    if test["total"]:
        print(line("test findings (no parameter was set from them)", test))
        for organism, numbers in test["per_organism"].items():
            print("  " + line(organism, numbers))
    for role, numbers in card.per_role.items():
        if role != "test":
            print(line(f"{role} findings", numbers))
    label, baseline = card.majority_baseline
    print(
        line(
            "all findings",
            {"correct": card.correct, "total": card.total, "accuracy": card.accuracy},
        )
        + f"; always '{label}' would score {baseline:.1%}"
    )
    if card.p_value is not None:
        print(
            f"null model: {sum(card.null_reached)} of {len(card.null_reached)} sign-shuffled "
            f"networks reproduce as many findings (p = {card.p_value:.3g}); the "
            f"{len(card.null_accuracies)} scored on every finding average "
            f"{sum(card.null_accuracies) / len(card.null_accuracies):.1%} "
            f"(best {max(card.null_accuracies):.1%})"
        )
    print(f"  {'tag':20s} {'test':>12s} {'all':>12s}")
    for tag, numbers in card.per_tag.items():
        tested = test["per_tag"].get(tag)
        cell = (
            f"{tested['correct']:.0f}/{tested['total']:.0f} {tested['accuracy']:4.0%}"
            if tested
            else "-"
        )
        every = f"{numbers['correct']:.0f}/{numbers['total']:.0f} {numbers['accuracy']:4.0%}"
        print(f"  {tag:20s} {cell:>12s} {every:>12s}")


def _knockout_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.errors import ProtocolError
    from mbaxis.analysis.knockout import knockout_scan, records
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.files import write_atomically, write_text_atomically
    from mbaxis.network import load_model
    from mbaxis.plots import plot_knockout_heatmap

    model = load_model(args.model)
    protocol = parse_protocol(args.protocol)
    if args.resume and not args.out:
        raise ProtocolError("--resume needs --out: the scan streams to FILE.partial.jsonl")
    checkpoint = Path(f"{args.out}.partial.jsonl") if args.out else None
    scan = knockout_scan(
        model,
        protocol,
        args.readout or DEFAULT_READOUTS,
        targets="edges" if args.edges else "nodes",
        double=args.double,
        statistic=args.statistic,
        window=tuple(args.window) if args.window else None,
        threshold=args.threshold,
        subject=_subject(args),
        jobs=args.jobs,
        checkpoint=checkpoint,
        resume=args.resume,
        progress=not args.no_progress,
    )
    agreement = _knockout_agreement(args, model, protocol, scan)
    result = {
        "protocol": str(protocol),
        "statistic": args.statistic,
        "window": args.window,
        "threshold": args.threshold,
        "targets": "edges" if args.edges else "nodes",
        **(
            {"ensemble": {"file": args.ensemble, "members": agreement.attrs["members"]}}
            if agreement is not None
            else {}
        ),
        "rows": [
            {
                "perturbations": list(row["perturbations"]),
                "readout": row["readout"],
                "control": _finite(row["control"]),
                "value": _finite(row["value"]),
                "relative_change": _finite(row["relative_change"]),
                "log2_ratio": _finite(row["log2_ratio"]),
                "call": row["call"],
                **({"error": row["error"]} if row["error"] else {}),
                **_ensemble_columns(agreement, row),
            }
            for row in records(scan)
        ],
    }
    if args.out:
        if args.out.endswith(".json"):
            write_text_atomically(args.out, json.dumps(result, indent=1) + "\n")
        else:
            table = scan.assign(perturbations=scan["perturbations"].map(" + ".join))
            if agreement is not None:
                table = table.merge(
                    agreement[
                        ["perturbations", "readout", "agreement", "majority_call",
                         "majority_fraction", "median_relative_change"]
                    ],
                    on=["perturbations", "readout"],
                    how="left",
                )  # fmt: skip
            write_atomically(args.out, lambda tmp: table.to_csv(tmp, index=False))
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
    if args.plot:
        width = 2.0 + 1.6 * scan["readout"].nunique()
        _save_figure(args.plot, (width, 9.0), lambda ax: plot_knockout_heatmap(scan, ax=ax))
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif not args.out:
        counts = scan["call"].value_counts().to_dict()
        print(f"{len(scan)} rows under {protocol} ({args.statistic}): {counts}")
    return 0


def _knockout_agreement(args: argparse.Namespace, model: Any, protocol: Any, scan: Any) -> Any:
    """With --ensemble: how many members agree with each call of the tables (else None)."""
    if not args.ensemble:
        return None
    from mbaxis.analysis.ensembles import knockout_ensemble, load_ensemble
    from mbaxis.analysis.errors import ProtocolError

    if args.double:
        raise ProtocolError("--ensemble runs single knock-outs; drop --double")
    ensemble = load_ensemble(args.ensemble, model)
    return knockout_ensemble(
        model,
        ensemble,
        protocol,
        args.readout or DEFAULT_READOUTS,
        targets="edges" if args.edges else "nodes",
        statistic=args.statistic,
        window=tuple(args.window) if args.window else None,
        threshold=args.threshold,
        subject=_subject(args),
        reference=scan,
        jobs=args.jobs,
        checkpoint=Path(f"{args.out}.ensemble.partial.jsonl") if args.out else None,
        resume=args.resume,
        progress=not args.no_progress,
    )


def _ensemble_columns(agreement: Any, row: dict[str, Any]) -> dict[str, Any]:
    if agreement is None:
        return {}
    key = " + ".join(row["perturbations"])
    match = agreement[
        (agreement["perturbations"] == key) & (agreement["readout"] == row["readout"])
    ]
    if match.empty:
        return {}
    found = match.iloc[0]
    return {
        "agreement": float(found["agreement"]),
        "majority_call": str(found["majority_call"]),
        "majority_fraction": float(found["majority_fraction"]),
    }


def _finite(value: float) -> float | None:
    return (
        None
        if value is None or value != value or value in (float("inf"), float("-inf"))
        else float(value)
    )


def _graph_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.graph_summary import summarize_graph
    from mbaxis.network import load_model, to_digraph
    from mbaxis.plots import plot_network

    graph = to_digraph(load_model(args.model))
    summary = summarize_graph(graph)
    if args.plot:
        _save_figure(args.plot, (22, 14), lambda ax: plot_network(graph, ax=ax))
    if args.json:
        json.dump(summary.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(summary.to_text())
    return 0


def _save_figure(path: str, size: tuple[float, float], draw: Callable[[Axes], object]) -> None:
    from mbaxis.files import save_figure

    save_figure(path, size, draw)


def _export_command(args: argparse.Namespace) -> int:
    from mbaxis.analysis.errors import ProtocolError
    from mbaxis.files import write_text_atomically
    from mbaxis.network import load_model
    from mbaxis.sbml.exporters import export

    if args.format == "omex":
        return _export_omex(args)
    if args.format == "petab":
        return _export_petab(args)
    if args.problem:
        raise ProtocolError(f"--problem applies to 'export petab', not to '{args.format}'")
    if (
        args.protocol
        or args.all
        or args.perturb
        or args.subject
        or args.t_end is not None
        or args.points is not None
    ):
        raise ProtocolError(
            f"--protocol, --all, --perturb, --subject, --t-end and --points describe "
            f"experiments: they apply to 'export omex', not to '{args.format}'"
        )
    text = export(load_model(args.model), args.format)
    if args.out:
        write_text_atomically(args.out, text)
    if args.json:
        data = text.encode("utf-8")
        summary = {
            "format": args.format,
            "path": args.out,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if not args.out:
            summary["text"] = text
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif not args.out:
        sys.stdout.write(text)
    return 0


def _export_petab(args: argparse.Namespace) -> int:
    from mbaxis.analysis.archive import experiment
    from mbaxis.analysis.calibration import load_problem
    from mbaxis.analysis.calibration.export import export_experiment_petab, export_petab
    from mbaxis.analysis.errors import ProtocolError
    from mbaxis.analysis.perturbations import parse_perturbation
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.network import load_model

    if not args.out:
        raise ProtocolError("export petab needs --out DIR (a PEtab problem is several files)")
    if args.all:
        raise ProtocolError("export petab writes one experiment (--protocol P...), not --all")
    if args.problem and args.protocol:
        raise ProtocolError(
            "export petab writes the calibration problem (--problem) or one experiment "
            "(--protocol P...), not both"
        )
    experiment_options = args.perturb or args.subject or args.t_end is not None or args.points
    if experiment_options and not args.protocol:
        raise ProtocolError(
            "--perturb, --subject, --t-end and --points describe an experiment: give it with "
            "--protocol P (without it, export petab writes the calibration problem)"
        )
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ProtocolError(f"--out {out}: export petab writes a folder, and this is a file")
    model = load_model(args.model)
    if args.protocol:
        run = experiment(
            [parse_protocol(p) for p in args.protocol],
            t_end=args.t_end,
            points=args.points,
            perturbations=[parse_perturbation(p) for p in args.perturb],
            subject=_subject(args),
        )
        written = export_experiment_petab(model, run, out)
        counts = {"conditions": 1, "experiment": str(run)}
    else:
        problem = load_problem(_problem_path(args), model)
        written = export_petab(problem, model, out)
        counts = {
            "conditions": len(problem.conditions),
            "datasets": len(problem.datasets),
            "points": problem.points,
        }
    if args.json:
        files = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
        summary = {"format": "petab", "path": str(written), "files": files, **counts}
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


def _problem_path(args: argparse.Namespace) -> Path:
    """--problem as a YAML file (a folder means its problem.yaml); the bundled one without it."""
    from mbaxis.analysis.calibration import bundled_problem_path

    path = Path(args.problem) if args.problem else bundled_problem_path()
    return path / "problem.yaml" if path.is_dir() else path


def _export_omex(args: argparse.Namespace) -> int:
    from mbaxis.analysis.archive import experiment, library_experiments, write_omex
    from mbaxis.analysis.errors import ProtocolError
    from mbaxis.analysis.perturbations import parse_perturbation
    from mbaxis.analysis.protocols import parse_protocol
    from mbaxis.files import write_atomically
    from mbaxis.network import load_model

    if not args.out:
        raise ProtocolError("export omex needs --out FILE.omex (an archive is not text)")
    if args.all == bool(args.protocol):
        raise ProtocolError("export omex needs --protocol P (repeatable) or --all, not both")
    if args.all and (args.t_end is not None or args.points is not None):
        raise ProtocolError("--t-end and --points apply to one experiment, not to --all")
    perturbations = [parse_perturbation(p) for p in args.perturb]
    subject = _subject(args)
    experiments = (
        library_experiments(perturbations, subject)
        if args.all
        else [
            experiment(
                [parse_protocol(p) for p in args.protocol],
                t_end=args.t_end,
                points=args.points,
                perturbations=perturbations,
                subject=subject,
            )
        ]
    )
    model = load_model(args.model)
    files: list[str] = []
    write_atomically(
        args.out, lambda temporary: files.extend(write_omex(temporary, model, experiments))
    )
    if args.json:
        data = Path(args.out).read_bytes()
        summary = {
            "format": "omex",
            "path": args.out,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "experiments": [
                {
                    "name": e.name,
                    "protocols": [str(p) for p in e.protocols],
                    "perturbations": [str(p) for p in e.perturbations],
                    "subject": e.subject.to_mapping(),
                    "t_end": e.t_end,
                }
                for e in experiments
            ],
            "files": files,
        }
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    return 0


def _calibrate_command(args: argparse.Namespace) -> int:
    import time

    from mbaxis.analysis.calibration import Objective, load_problem
    from mbaxis.analysis.calibration.fitting import fit, profile, unprofiled
    from mbaxis.analysis.errors import CalibrationError
    from mbaxis.analysis.executor import cpu_count
    from mbaxis.calibration import calibration_summary, write_calibration
    from mbaxis.network import load_model

    for flag, value in (("--starts", args.starts), ("--max-iterations", args.max_iterations)):
        if value < 1:
            raise CalibrationError(f"{flag} must be at least 1; got {value}")
    if args.ensemble_size < 0 or (args.ensemble_size and args.samples < args.ensemble_size):
        raise CalibrationError(
            f"--ensemble-size must be >= 0 and at most --samples ({args.samples}); got "
            f"{args.ensemble_size}"
        )
    model = load_model(args.model)
    problem = load_problem(_problem_path(args), model)
    jobs = args.jobs if args.jobs is not None else cpu_count()
    progress = not args.no_progress and not args.json
    objective = Objective(problem, model)
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = round(now - clock, 1)
        clock = now

    result = fit(
        problem,
        model,
        starts=args.starts,
        seed=args.seed,
        jobs=jobs,
        max_iterations=args.max_iterations,
        progress=progress,
    )
    lap("fit")
    estimates = (
        unprofiled(result)
        if args.no_profiles
        else profile(result, model, jobs=jobs, progress=progress)
    )
    lap("profiles")
    summary = calibration_summary(result, estimates, sum(phases.values()))
    summary["wall_time_s_by_phase"] = dict(phases)
    if args.out:  # the fit is written before the slower extras, so none of it can be lost
        write_calibration(args.out, result, estimates, objective, summary)
    ensemble = None
    if args.ensemble_size > 0:
        from mbaxis.analysis.calibration.sampling import sample_ensemble

        ensemble, chain = sample_ensemble(
            result,
            model,
            members=args.ensemble_size,
            samples=args.samples,
            seed=args.seed,
            progress=progress,
        )
        lap("sampling")
        summary["ensemble"] = {"members": len(ensemble), **chain}
    if args.cross_validate:
        from tqdm import tqdm

        from mbaxis.analysis.calibration.crossvalidation import leave_one_study_out

        with tqdm(
            total=len(problem.studies), desc="studies left out", disable=not progress or None
        ) as bar:
            errors = leave_one_study_out(
                result,
                model,
                starts=args.cv_starts,
                jobs=jobs,
                max_iterations=args.max_iterations,
                progress=bar.update,
            )
        lap("cross_validation")
        summary["cross_validation"] = [
            {
                "study": e.study,
                "points": e.points,
                "in_sample": e.in_sample,
                "left_out": e.left_out,
                "ratio": e.ratio,
                "overfitted": e.overfitted,
            }
            for e in errors
        ]
    summary["wall_time_s"] = round(sum(phases.values()), 1)
    summary["wall_time_s_by_phase"] = dict(phases)
    if args.out:
        write_calibration(args.out, result, estimates, objective, summary, ensemble)
    if args.json:
        json.dump(summary, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(
            f"{summary['points']} points in {summary['datasets']} datasets of "
            f"{summary['studies']} studies; best objective {summary['best_objective']:.4g} "
            f"({summary['converged_starts']} of {summary['starts']} starts reach it)"
        )
        for row in summary["parameters"]:
            verdict = "identifiable" if row["identifiable"] else "not identifiable"
            print(
                f"  {row['id']:40s} {row['value']:10.4g}  95% [{row['lower']:.4g}, "
                f"{row['upper']:.4g}]  {verdict}"
            )
        for row in summary.get("cross_validation", []):
            flag = "  OVERFITTED" if row["overfitted"] else ""
            print(
                f"  left out {row['study']:40s} chi2/point {row['in_sample']:.3g} in, "
                f"{row['left_out']:.3g} out{flag}"
            )
    return 0


def _population_command(args: argparse.Namespace) -> int:
    from mbaxis.population import population_command

    return population_command(args)


def _optimize_command(args: argparse.Namespace) -> int:
    from mbaxis.optimization import optimize_command

    return optimize_command(args)


_COMMANDS = {
    "graph": _graph_command,
    "export": _export_command,
    "simulate": _simulate_command,
    "knockout": _knockout_command,
    "validate": _validate_command,
    "sensitivity": _sensitivity_command,
    "report": _report_command,
    "calibrate": _calibrate_command,
    "population": _population_command,
    "optimize": _optimize_command,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mbaxis`` command; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        from mbaxis.analysis.native_output import log_to_stderr

        log_to_stderr()
    try:
        return _COMMANDS[args.command](args)
    except (ModelError, OSError) as error:
        message = str(error).replace("\n", " | ")
        print(f"mbaxis {args.command}: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
