# mbaxis: two commands do everything on a fresh machine.
#   make demo   create .venv, install mbaxis, run the main job (figures and tables in results/)
#   make test   create .venv, install with the test extras, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The layer folders install under one name (presentation/ is mbaxis, network/ is mbaxis.network,
# ...). A strict editable install links every source file into build/ under its installed name,
# so mypy, pytest and import-linter see exactly what users import; edits show at once, and adding
# or removing a file (which changes its folder) reinstalls. setuptools announces strict mode with
# a warning on every install; it is the mode we chose, so that one message is silenced.
PACKAGE_DIRS := presentation network network/data sbml sbml/models analysis analysis/data \
	analysis/data/calibration analysis/data/calibration/fit analysis/calibration \
	analysis/population analysis/optimization
INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet --config-settings editable_mode=strict -e

$(VENV)/.installed: pyproject.toml $(PACKAGE_DIRS) | $(BIN)/python
	$(INSTALL) .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(PACKAGE_DIRS) | $(BIN)/python
	$(INSTALL) '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/mbaxis report --out results

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

NOTEBOOKS := $(wildcard notebooks/*.py)

notebooks: $(VENV)/.installed-test
	mkdir -p build/notebooks
	for source in $(NOTEBOOKS); do \
	  $(BIN)/jupytext --quiet --to ipynb --output build/notebooks/$$(basename $$source .py).ipynb $$source || exit 1; \
	done
	$(BIN)/python -m pytest --nbmake build/notebooks -p no:cacheprovider -o addopts="" -q -n auto

test: lint
	$(BIN)/python -m pytest -n auto
	$(MAKE) notebooks

clean:
	rm -rf $(VENV) results build .pytest_cache .mypy_cache .ruff_cache
