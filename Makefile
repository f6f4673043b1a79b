# Two commands set everything up on a fresh machine:
#   make run   -- create .venv, install, build corpus/ into exports/, print a summary
#   make test  -- create .venv, install test needs (Python packages, Chromium), run the tests
# Front-end libraries (package.json: YASGUI for the `kg serve` workbench …) go into node_modules/ via npm.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
BUNDLE := kg/export/html_assets/sigma.bundle.js

.PHONY: run test lint bench install compiled npm system-deps clean

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

install: $(STAMP) compiled $(NPM_STAMP) $(BUNDLE)

# The extractor compiled with mypyc into build/compiled/ (kg/compiled.py says when it is used): a quick
# check when nothing changed, 2-3 minutes of compiling when an extractor file did. A file mypyc rejects
# fails here. KG_PURE_PYTHON=1 at run time ignores the build.
compiled: $(STAMP)
	$(BIN)/python scripts/compile_extractor.py

# The network page inlines sigma.js + graphology as one script, bundled from node_modules by esbuild (never
# committed); without it (a plain `pip install`) the page falls back to vis-network from pyvis's wheel.
$(BUNDLE): $(NPM_STAMP) scripts/sigma-entry.js
	npm run --silent bundle

run: install
	$(BIN)/kg build corpus --out exports

system-deps:
	bash scripts/system-deps.sh

# KG_REQUIRE_COMPILED: tests/test_compiled.py fails (instead of skipping) when the compiled extractor is not in use
test: system-deps install
	KG_REQUIRE_COMPILED=1 $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy kg

bench: install system-deps
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) node_modules benchmarks/work build $(BUNDLE)
	find exports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
