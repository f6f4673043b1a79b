# Two commands set everything up on a fresh machine:
#   make run   -- create .venv, install, build corpus/ into exports/, print a summary
#   make test  -- create .venv, install test needs (Python packages, Chromium), run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench install system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/kg build corpus --out exports

system-deps:
	bash scripts/system-deps.sh

test: install system-deps
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy kg

bench: install system-deps
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) benchmarks/work
	find exports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
