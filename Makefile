# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: demo test lint format install dev bench bench-smoke clean browsers

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# Installs are stamped so repeated runs only reinstall after pyproject.toml changes.
$(VENV)/.stamp-all: pyproject.toml | $(PY)
	$(PIP) install -q -e ".[all]"
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(PY)
	$(PIP) install -q -e ".[dev]"
	touch $@

install: $(VENV)/.stamp-all

dev: $(VENV)/.stamp-dev

## demo: create .venv, install, run the loan-approval MVPS end to end.
demo: install
	$(VENV)/bin/mvps demo $(DEMO_ARGS)

## browsers: headless Chromium from Debian for the browser tests (needs root or sudo).
browsers:
	@command -v chromium >/dev/null 2>&1 || sh scripts/install-chromium.sh

## lint: ruff check, ruff format --check, mypy on the package.
lint: dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

format: dev
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

## test: install the dev extras, lint, run the whole suite.
test: dev lint browsers
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: dev
	$(PY) -m benchmarks all $(BENCH_ARGS)

bench-smoke: dev
	$(PY) -m benchmarks smoke $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
