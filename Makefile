# Two commands set everything up on a fresh machine:
#   make run   -- create .venv, install, build corpus/ into exports/, print a summary
#   make test  -- create .venv, install test needs (Python packages, Chromium), run the tests
# Front-end libraries (package.json: YASGUI for the `kg serve` workbench …) go into node_modules/ via npm.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: run test lint bench install npm system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# npm ci installs exactly package-lock.json; --ignore-scripts: none of our packages needs an install script
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || bash scripts/system-deps.sh
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

npm: $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP)

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
	rm -rf $(VENV) node_modules benchmarks/work
	find exports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
