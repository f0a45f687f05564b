"""Other tools agree: the exported SBML simulated by roadrunner matches the network's own
equations integrated by scipy, and COPASI (basico) matches roadrunner (PySB's best test)."""

from __future__ import annotations

import basico
import numpy as np
import pytest
import roadrunner
from scipy.integrate import solve_ivp

from mbaxis.network import Equations, build_equations, load_model
from mbaxis.sbml import COMMITTED_FILES, models_folder

SBML_PATH = models_folder() / COMMITTED_FILES["sbml"]
PULSE = {"muscle__work_rate": 0.7, "plasma__lactate_infusion": 2.7, "brain__stress": 0.5}
SEGMENTS = ((0.0, 60.0, PULSE), (60.0, 240.0, {}))  # a one-hour pulse, then recovery


@pytest.fixture(scope="module")
def equations() -> Equations:
    return build_equations(load_model())


def _roadrunner(states: tuple[str, ...]) -> np.ndarray:
    runner = roadrunner.RoadRunner(str(SBML_PATH))
    runner.integrator.relative_tolerance = 1e-12
    runner.integrator.absolute_tolerance = 1e-14
    runner.timeCourseSelections = ["time", *states]
    pieces = []
    for start, end, inputs in SEGMENTS:
        for name in PULSE:
            runner.setValue(name, inputs.get(name, 0.0))
        result = runner.simulate(start, end, int(end - start) + 1)
        pieces.append(result[:, 1:] if not pieces else result[1:, 1:])
    return np.vstack(pieces)


def _scipy(equations: Equations) -> np.ndarray:
    f, names = equations.rhs_function()
    y = np.array(list(equations.resting_state.values()))
    pieces = []
    for start, end, inputs in SEGMENTS:
        values = equations.parameter_values(inputs)
        p = np.array([values[n] for n in names])
        times = np.linspace(start, end, int(end - start) + 1)
        solution = solve_ivp(
            lambda _t, x, p=p: f(x, p),
            (start, end),
            y,
            method="LSODA",
            t_eval=times,
            rtol=1e-12,
            atol=1e-14,
        )
        assert solution.success
        pieces.append(solution.y.T if not pieces else solution.y.T[1:])
        y = solution.y[:, -1]
    return np.vstack(pieces)


def test_rest_is_steady_in_roadrunner(equations: Equations) -> None:
    runner = roadrunner.RoadRunner(str(SBML_PATH))
    runner.timeCourseSelections = ["time", *equations.states]
    result = runner.simulate(0, 24 * 60, 25)
    rest = np.array(list(equations.resting_state.values()))
    scale = np.where(rest > 0, rest, 1.0)  # drugs rest at zero: compare them absolutely
    assert np.max(np.abs(result[:, 1:] - rest) / scale) < 1e-6


def test_roadrunner_matches_scipy_on_the_network_equations(equations: Equations) -> None:
    exported = _roadrunner(equations.states)
    own = _scipy(equations)
    assert exported.shape == own.shape
    np.testing.assert_allclose(exported, own, rtol=1e-6, atol=1e-12)
    lactate = equations.states.index("plasma__lactate")
    assert exported[:, lactate].max() > 2.0  # the pulse really moved the model


def test_copasi_matches_roadrunner(equations: Equations) -> None:
    model = basico.load_model(str(SBML_PATH))
    table = basico.get_species(model=model)
    names, ids = table.index.tolist(), table["sbml_id"].tolist()
    by_id = basico.get_parameters(model=model)
    input_names = {
        row["sbml_id"]: name for name, row in by_id.iterrows() if row["sbml_id"] in PULSE
    }
    pieces: list[np.ndarray] = []
    last: dict[str, float] = {}
    for start, end, inputs in SEGMENTS:
        for sbml_id, name in input_names.items():
            basico.set_parameters(name, initial_value=inputs.get(sbml_id, 0.0), model=model)
        for name, sbml_id in zip(names, ids, strict=True):  # continue where the last ended
            if sbml_id in last:
                basico.set_species(name, initial_concentration=last[sbml_id], model=model)
        result = basico.run_time_course(
            duration=end - start,
            intervals=int(end - start),
            model=model,
            r_tol=1e-12,
            a_tol=1e-14,
            use_sbml_id=True,
        )
        last = {sbml_id: float(result[sbml_id].iloc[-1]) for sbml_id in ids}
        values = result[list(equations.states)].to_numpy()
        pieces.append(values if not pieces else values[1:])
    copasi = np.vstack(pieces)
    np.testing.assert_allclose(copasi, _roadrunner(equations.states), rtol=1e-4, atol=1e-10)
