"""Bad SBML never crashes the interpreter: it raises SBMLError with libsbml's words."""

from __future__ import annotations

from pathlib import Path

import antimony
import pytest

from mbaxis.network import ModelDataError
from mbaxis.sbml import SBMLError, SBMLValidationError, models_folder, read_sbml


def _sbml_from_antimony(text: str) -> str:
    antimony.clearPreviousLoads()
    assert antimony.loadAntimonyString(text) >= 0
    return str(antimony.getSBMLString(antimony.getMainModuleName()))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SBMLError, match=r"no_such\.xml: no such file"):
        read_sbml(tmp_path / "no_such.xml")


def test_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "notes.xml"
    path.write_text("this is not SBML at all\n")
    with pytest.raises(SBMLError, match=r"notes\.xml: not an SBML model"):
        read_sbml(path)


def test_truncated_file(tmp_path: Path) -> None:
    text = (models_folder() / "mbaxis.xml").read_text()
    path = tmp_path / "truncated.xml"
    path.write_text(text[: len(text) // 3])
    with pytest.raises(SBMLError, match=r"truncated\.xml: "):
        read_sbml(path)


def test_sbml_with_errors_lists_them_by_severity(tmp_path: Path) -> None:
    text = _sbml_from_antimony("model m; A -> B; k*A; A = 1; B = 0; k = 0.1; end")
    assert 'compartment="default_compartment"' in text
    path = tmp_path / "broken.xml"
    path.write_text(text.replace('compartment="default_compartment"', 'compartment="nowhere"'))
    with pytest.raises(SBMLValidationError) as caught:
        read_sbml(path)
    issues = caught.value.issues
    assert issues and issues[0].severity in ("Fatal", "Error")
    assert [i.rank for i in issues] == sorted(i.rank for i in issues)
    assert "broken.xml" in str(caught.value)


def test_valid_sbml_that_is_not_an_mbaxis_model(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text(_sbml_from_antimony("model m; A -> B; k*A; A = 1; B = 0; k = 0.1; end"))
    with pytest.raises(SBMLError, match=r"not an mbaxis model"):
        read_sbml(path)


def test_mbaxis_sbml_with_a_broken_table_is_refused(tmp_path: Path) -> None:
    text = (models_folder() / "mbaxis.xml").read_text()
    path = tmp_path / "edited.xml"
    path.write_text(text.replace('mechanism="transport"', 'mechanism="teleport"', 1))
    with pytest.raises(ModelDataError, match=r"'teleport' is not a mechanism"):
        read_sbml(path)
