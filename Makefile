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

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
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
	$(BIN)/python -m pytest --nbmake build/notebooks -p no:cacheprovider -o addopts="" -q

test: lint
	$(BIN)/python -m pytest
	$(MAKE) notebooks

clean:
	rm -rf $(VENV) results build .pytest_cache .mypy_cache .ruff_cache
