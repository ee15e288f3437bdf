# The README's two commands are `make run` and `make test`; .ci/run calls `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PATHS ?= .

.PHONY: run test install install-dev services lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "osswatch needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

# The dashboard's browser tests drive Debian's chromium (Playwright downloads no browser).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server,dev]'
	test -x /usr/bin/chromium || { $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

## The main job on the embedded default (SQLite file, no server): scan PATHS.
run: install
	$(BIN)/osswatch scan $(PATHS)

services:
	bash scripts/services.sh

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install-dev
	$(BIN)/mypy --strict src tests

unit: install-dev services
	$(BIN)/pytest

## Everything CI checks: lint, types, and the whole test suite against real services.
test: lint typecheck unit

## Every benchmark, each printing its figures (some take minutes: the 500,000-advisory cases).
bench: install-dev
	for benchmark in benchmarks/*.py; do echo "== $$benchmark"; $(BIN)/python $$benchmark || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
