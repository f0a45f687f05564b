"""Running batches of simulations: the one executor of every scan.

Each worker process compiles the model once (:class:`mbaxis.analysis.simulation.Simulator`,
from the compiled-model cache when it can) and runs many tasks on it. Results stream to a
checkpoint file (one JSON line per finished task), so an interrupted scan resumes where it
stopped; the final order of results is the order of the tasks, whatever order the workers
finished in.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TextIO, TypeVar

from tqdm import tqdm

from mbaxis.analysis.errors import SimulationError
from mbaxis.analysis.model_cache import model_sbml
from mbaxis.analysis.native_output import log_to_stderr, shown_level
from mbaxis.analysis.simulation import Simulator, SimulatorSettings
from mbaxis.network import Model

__all__ = ["Row", "Task", "Work", "cpu_count", "run_tasks"]

#: What a task returns: JSON-serialisable rows (they are written to the checkpoint).
Row = dict[str, Any]
Payload = TypeVar("Payload")
#: A task's work: a top-level function of the worker's simulator and the task's payload.
Work = Callable[[Simulator, Payload], list[Row]]


@dataclass(frozen=True)
class Task(Generic[Payload]):
    """One unit of a batch: a unique ``key``, a picklable ``payload`` for the work function,
    and its ``size`` on the progress bar (how many simulations or scenarios it holds)."""

    key: str
    payload: Payload
    size: int = 1


# --- workers -----------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _simulator(model: Model, sbml: str, settings: SimulatorSettings) -> Simulator:
    return Simulator(
        model,
        sbml=sbml,
        signs_as_parameters=settings.signs_as_parameters,
        rtol=settings.rtol,
        atol=settings.atol,
    )


def _start_worker(
    model: Model, sbml: str, work: Work[Any], settings: SimulatorSettings, log: int | None
) -> None:
    if log is not None:  # the parent shows its log (--verbose): so do its workers
        log_to_stderr(log)
    _WORKER["simulator"] = _simulator(model, sbml, settings)
    _WORKER["work"] = work


def _run_in_worker(task: Task[Any]) -> tuple[str, list[Row]]:
    return task.key, _WORKER["work"](_WORKER["simulator"], task.payload)


# --- checkpoints -------------------------------------------------------------------------------


def _fingerprint(sbml: str, tasks: Sequence[Task[Any]], work: Work[Any]) -> str:
    digest = hashlib.sha256(sbml.encode())
    digest.update(f"{work.__module__}.{work.__qualname__}".encode())
    for task in tasks:
        digest.update(task.key.encode())
    return digest.hexdigest()


def _read_checkpoint(path: Path, fingerprint: str) -> dict[str, list[Row]]:
    done: dict[str, list[Row]] = {}
    with path.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    if not lines:
        return done
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        raise SimulationError(
            f"{path}: not a checkpoint of this scan (unreadable header)"
        ) from None
    if header.get("fingerprint") != fingerprint:
        raise SimulationError(
            f"{path}: checkpoint of a different scan (model, tasks or analysis changed); "
            "delete it or run without --resume"
        )
    for line in lines[1:]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break  # the last line was cut short when the scan was killed
        done[record["key"]] = record["rows"]
    return done


def _open_checkpoint(path: Path, fingerprint: str, resume: bool) -> TextIO:
    if resume and path.exists():
        text = path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):  # drop a line cut short by a kill
            path.write_text(text[: text.rfind("\n") + 1], encoding="utf-8")
        return path.open("a", encoding="utf-8")
    handle = path.open("w", encoding="utf-8")
    handle.write(json.dumps({"fingerprint": fingerprint}) + "\n")
    handle.flush()
    return handle


# --- the batch ---------------------------------------------------------------------------------


def run_tasks(
    model: Model,
    tasks: Sequence[Task[Payload]],
    work: Work[Payload],
    *,
    jobs: int = 1,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    description: str = "simulations",
    unit: str = "sim",
    scheduler: str | None = None,
    settings: SimulatorSettings | None = None,
) -> list[Row]:
    """Run ``work`` on every task and return all result rows, in task order.

    Parameters
    ----------
    model : network.Model
        Compiled once per worker.
    tasks : sequence of Task
        Keys must be unique.
    work : Work
        A top-level (picklable) function.
    jobs : int
        Worker processes; 1 runs in this process. Workers start from a clean server process
        (``forkserver``) and each compiles the model once.
    checkpoint : path, optional
        Stream each finished task to this JSON-lines file.
    resume : bool
        Skip the tasks already in ``checkpoint`` (refused if it belongs to another scan).
    progress : bool
        Show a progress bar on standard error.
    scheduler : str, optional
        Run on a Dask distributed cluster instead: a scheduler address (``tcp://host:8786``),
        or ``"local"`` for a ``LocalCluster`` of ``jobs`` single-threaded worker processes.
        Each Dask worker compiles the model once too.
    settings : SimulatorSettings, optional
        The build and the tolerances every worker's simulator uses (default: the defaults).
    """
    settings = settings or SimulatorSettings()
    if jobs < 1:
        raise SimulationError(f"jobs must be at least 1; got {jobs}")
    keys = [task.key for task in tasks]
    if len(set(keys)) != len(keys):
        raise SimulationError("task keys must be unique")
    sbml = model_sbml(model, signs_as_parameters=settings.signs_as_parameters)
    fingerprint = _fingerprint(f"{sbml}{settings}", tasks, work)
    path = Path(checkpoint) if checkpoint is not None else None
    done: dict[str, list[Row]] = {}
    if path is not None and resume and path.exists():
        done = _read_checkpoint(path, fingerprint)
    remaining = [task for task in tasks if task.key not in done]
    handle = _open_checkpoint(path, fingerprint, resume) if path is not None else None
    sizes = {task.key: task.size for task in tasks}
    bar = tqdm(
        total=sum(sizes.values()),
        initial=sum(sizes[key] for key in done if key in sizes),
        desc=description,
        unit=unit,
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )
    try:
        results = (
            _dask_results(model, sbml, remaining, work, jobs, scheduler, settings)
            if scheduler
            else _results(model, sbml, remaining, work, jobs, settings)
        )
        for key, rows in results:
            done[key] = rows
            if handle is not None:
                handle.write(json.dumps({"key": key, "rows": rows}) + "\n")
                handle.flush()
            bar.update(sizes[key])
    finally:
        bar.close()
        if handle is not None:
            handle.close()
    return [row for key in keys for row in done[key]]


def _results(
    model: Model,
    sbml: str,
    tasks: list[Task[Payload]],
    work: Work[Payload],
    jobs: int,
    settings: SimulatorSettings,
) -> Iterator[tuple[str, list[Row]]]:
    if not tasks:
        return
    if jobs == 1:
        simulator = _simulator(model, sbml, settings)
        for task in tasks:
            yield task.key, work(simulator, task.payload)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mbaxis.analysis.simulation"])
    # tasks often hold several simulations already: hand them out in small groups, so the
    # workers finish together
    chunk = max(1, min(16, len(tasks) // (jobs * 32)))
    with context.Pool(
        jobs, initializer=_start_worker, initargs=(model, sbml, work, settings, shown_level())
    ) as pool:
        try:
            yield from pool.imap_unordered(_run_in_worker, tasks, chunksize=chunk)
        finally:
            pool.terminate()


_DASK_SIMULATORS: dict[str, Simulator] = {}


def _run_on_dask_worker(
    task: Task[Payload], model: Model, sbml: str, work: Work[Payload], settings: SimulatorSettings
) -> tuple[str, list[Row]]:
    key = f"{hashlib.sha256(sbml.encode()).hexdigest()}-{settings}"
    if key not in _DASK_SIMULATORS:  # compiled once per worker process
        _DASK_SIMULATORS[key] = _simulator(model, sbml, settings)
    return task.key, work(_DASK_SIMULATORS[key], task.payload)


def _dask_results(
    model: Model,
    sbml: str,
    tasks: list[Task[Payload]],
    work: Work[Payload],
    jobs: int,
    scheduler: str,
    settings: SimulatorSettings,
) -> Iterator[tuple[str, list[Row]]]:
    if not tasks:
        return
    from distributed import Client, LocalCluster, as_completed

    cluster = (
        LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        if scheduler == "local"
        else None
    )
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            model_future, sbml_future = client.scatter([model, sbml], broadcast=True)
            futures = client.map(
                _run_on_dask_worker,
                tasks,
                model=model_future,
                sbml=sbml_future,
                work=work,
                settings=settings,
                pure=False,
            )
            for future in as_completed(futures):
                yield future.result()
    except OSError as error:
        raise SimulationError(f"cannot reach the Dask scheduler '{scheduler}': {error}") from None
    finally:
        if cluster is not None:
            cluster.close()


def cpu_count() -> int:
    """Cores this process may use (the default of ``--jobs``)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
