"""The installed package: the `mbaxis` namespace, its lazy surface, doctests and the layers."""

from __future__ import annotations

import doctest
import importlib
import importlib.metadata
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import mbaxis

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> list[str]:
    names = ["mbaxis"]
    for info in pkgutil.walk_packages(mbaxis.__path__, "mbaxis."):
        if info.name.rsplit(".", 1)[-1] != "__main__":  # importing those runs the command
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    """Every docstring example runs, on the installed names (what users import)."""
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    report: list[str] = []
    for test in finder.find(module, name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize("bare", ["network", "sbml", "analysis", "presentation"])
@pytest.mark.parametrize("where", ["repository", "elsewhere"])
def test_bare_layer_names_do_not_import(bare: str, where: str, tmp_path: Path) -> None:
    """Only `mbaxis.*` is ours: a bare `import network` fails, even beside the folders."""
    cwd = ROOT if where == "repository" else tmp_path
    done = subprocess.run(
        [sys.executable, "-c", f"import {bare}"], cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "ImportError" in done.stderr or "ModuleNotFoundError" in done.stderr


def test_surface_names_resolve_and_version_matches_metadata() -> None:
    for name in mbaxis.__all__:
        assert getattr(mbaxis, name) is not None, name
    assert mbaxis.__version__ == importlib.metadata.version("mbaxis")
    with pytest.raises(AttributeError, match="nothing_here"):
        mbaxis.nothing_here  # noqa: B018


def test_import_mbaxis_loads_nothing_heavy() -> None:
    """`import mbaxis` and the CLI module stay light; heavy libraries load on first use."""
    code = (
        "import sys, mbaxis, mbaxis.cli; "
        "print(' '.join(m for m in ('numpy', 'pandas', 'roadrunner', 'sympy', 'libsbml', "
        "'matplotlib', 'mbaxis.analysis.simulation') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_every_presentation_module_is_in_the_layers_contract() -> None:
    """A new module of the root package cannot escape the import-linter layers contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    top = {name.strip() for name in contract["layers"][0].split(":")}
    modules = {
        f"mbaxis.{info.name}"
        for info in pkgutil.iter_modules(mbaxis.__path__)
        if not info.ispkg and info.name != "__main__"
    }
    assert modules == top
