# mbaxis: two commands do everything on a fresh machine.
#   make demo   create .venv, install mbaxis, run the main job (figures and tables in results/)
#   make test   create .venv, install with the test extras, run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

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
	mkdir -p results
	$(BIN)/mbaxis graph --plot results/network.png > results/graph.txt
	$(BIN)/mbaxis graph --json > results/graph.json
	@echo "wrote results/network.png, results/graph.txt, results/graph.json"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) results .pytest_cache .mypy_cache .ruff_cache
