"""The logical model in AEON: it loads the SBML-qual, its stable states match, and they agree
with the ODE knock-out calls."""

from __future__ import annotations

import re

import biodivine_aeon as aeon
import libsbml
import pandas as pd
import pytest

from mbaxis.analysis import knockout_scan
from mbaxis.analysis.logical_states import LogicalStates, aeon_version
from mbaxis.analysis.protocols import make_protocol
from mbaxis.analysis.structure import agreement, concordance, logical_engine
from mbaxis.network import LEVELS, LogicalModel, Model, logical_model
from mbaxis.sbml import COMMITTED_FILES, bit_id, models_folder

EXERCISE = ["muscle__work_rate"]
DEFAULT = make_protocol("aerobic", duration_min=60.0, intensity=0.7)


@pytest.fixture(scope="module")
def logical(model: Model) -> LogicalModel:
    return logical_model(model)


@pytest.fixture(scope="module")
def states(model: Model) -> LogicalStates:
    return LogicalStates(model)


def _nodes(levels: dict[str, int], logical: LogicalModel) -> dict[str, int]:
    return {node: levels[node] for node in logical.nodes}


def test_aeon_loads_the_committed_boolean_file() -> None:
    text = (models_folder() / COMMITTED_FILES["qual-boolean"]).read_text(encoding="utf-8")
    network = aeon.BooleanNetwork.from_sbml(text).infer_valid_graph()
    names = set(network.variable_names())
    assert "muscle__work_rate" in names
    assert bit_id("brain__BDNF_mRNA", 2 * LEVELS) in names
    assert aeon.AsynchronousGraph(network).network_variable_count() == len(names)
    assert aeon_version() >= "1.4.2"


def test_aeon_and_the_evaluator_reach_the_same_stable_states(
    states: LogicalStates, logical: LogicalModel
) -> None:
    """Every input alone, every node knock-out and every fifth blocked edge under exercise."""
    for inputs in [[], *([i] for i in logical.inputs)]:
        assert states.stable_levels(inputs) == _nodes(logical.stable_levels(inputs), logical)
    for node in logical.nodes:
        expected = _nodes(logical.stable_levels(EXERCISE, knocked_out=[node]), logical)
        assert states.stable_levels(EXERCISE, knocked_out=[node]) == expected, node
    for contribution in logical.contributions[::5]:
        edge = contribution.edge
        expected = _nodes(logical.stable_levels(EXERCISE, blocked=[edge]), logical)
        assert states.stable_levels(EXERCISE, blocked=[edge]) == expected, edge
    # blocking works on a copy: the network itself is unchanged
    assert states.stable_levels(EXERCISE) == _nodes(logical.stable_levels(EXERCISE), logical)


def _evaluate(condition: str, levels: dict[str, int]) -> bool:
    python = condition.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
    python = re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", python))
    return bool(eval(python, {"__builtins__": {}}, levels))


def test_the_multi_valued_file_has_the_evaluators_stable_state(logical: LogicalModel) -> None:
    """Run mbaxis_qual.xml's own function terms (an independent reading of the file)."""
    document = libsbml.readSBMLFromFile(str(models_folder() / COMMITTED_FILES["qual"]))
    plugin = document.getModel().getPlugin("qual")
    levels = {s.getId(): s.getInitialLevel() for s in plugin.getListOfQualitativeSpecies()}
    levels["muscle__work_rate"] = 1
    rules = []
    for transition in plugin.getListOfTransitions():
        terms = [
            (f.getResultLevel(), libsbml.formulaToL3String(f.getMath()))
            for f in transition.getListOfFunctionTerms()
        ]
        default = transition.getDefaultTerm().getResultLevel()
        rules.append((transition.getOutput(0).getQualitativeSpecies(), terms, default))
    for _ in range(200):
        new = dict(levels)
        for output, terms, default in rules:
            hits = [level for level, condition in terms if _evaluate(condition, levels)]
            assert len(hits) <= 1, f"{output}: function terms overlap"
            new[output] = hits[0] if hits else default
        if new == levels:
            break
        levels = new
    else:
        pytest.fail("the multi-valued model did not settle")
    expected = logical.stable_levels(EXERCISE)
    for node in logical.nodes:
        assert levels[node] - LEVELS == expected[node], node


@pytest.fixture(scope="module")
def default_scans(model: Model) -> dict[str, pd.DataFrame]:
    return {
        targets: knockout_scan(model, DEFAULT, targets=targets) for targets in ("nodes", "edges")
    }


def test_logical_calls_agree_with_the_ode_in_85_percent_of_each_class(
    model: Model, default_scans: dict[str, pd.DataFrame]
) -> None:
    """The acceptance bar of issue #15, on the default scan (4 readouts, max, 5%)."""
    for targets, scan in default_scans.items():
        shares = agreement(concordance(model, scan, DEFAULT))
        assert shares["logical"] >= 0.85, (targets, shares)


def test_aeon_gives_the_same_node_concordance(
    model: Model, default_scans: dict[str, pd.DataFrame]
) -> None:
    here = concordance(model, default_scans["nodes"], DEFAULT)
    in_aeon = concordance(model, default_scans["nodes"], DEFAULT, engine="aeon")
    pd.testing.assert_frame_equal(here, in_aeon)


def test_bad_requests_are_named(model: Model, states: LogicalStates) -> None:
    with pytest.raises(ValueError, match="unknown logical engine 'ginsim'"):
        logical_engine(model, "ginsim")
    with pytest.raises(KeyError, match="brain__nothing"):
        states.stable_levels(knocked_out=["brain__nothing"])
    with pytest.raises(KeyError, match="no_such_edge"):
        states.stable_levels(EXERCISE, blocked=["no_such_edge"])
