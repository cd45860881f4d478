# One entry point for people, CI (.ci/run) and Cloud Build (cloudbuild.yaml).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export NO_GCE_CHECK := true

.PHONY: setup demo up test test-fast lint typecheck schemas bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

## setup: the virtualenv with every dependency, and redis-server
setup: $(VENV)/.installed
	@scripts/ensure-redis.sh

## demo: the whole pipeline locally with a sample workload, a summary, then stop
demo: setup
	$(PY) -m keywatch dev demo

## up: the whole pipeline locally until Ctrl-C
up: setup
	$(PY) -m keywatch dev up

## test: every tier (unit, functional, integration, e2e)
test: setup
	@scripts/pytest.sh tests

## test-fast: unit and functional only (no servers)
test-fast: setup
	@scripts/pytest.sh tests/unit tests/functional

lint: setup
	$(VENV)/bin/ruff check shared functions tests bench
	$(VENV)/bin/ruff format --check shared functions tests bench

typecheck: setup
	$(VENV)/bin/mypy

schemas: setup
	$(PY) -m keywatch.schemas

bench: setup
	$(PY) bench/bench_report.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
