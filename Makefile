# One entry point for people, CI (.ci/run) and Cloud Build (cloudbuild.yaml).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# checkov has its own virtualenv: it pins its own HCL parser (bc-python-hcl2), which installs
# the same `hcl2` module as python-hcl2.
CHECKOV_VENV ?= .venv-checkov
WHEELHOUSE ?= .cache/wheelhouse
export NO_GCE_CHECK := true

.PHONY: setup demo up test test-fast test-infra lint typecheck schemas bench bundle wheelhouse \
	checkov tf-fmt clean

# The repo's three distributions, editable: keywatch (shared/, the backend's wheel),
# keywatch-functions (functions/, the deploy bundle) and keywatch-ops (ops/, the CLI and the
# local stack).
$(VENV)/.installed: pyproject.toml functions/pyproject.toml ops/pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]' \
		-e ./functions -e ./ops
	touch $@

## setup: the virtualenv with every dependency, and redis-server
setup: $(VENV)/.installed
	@scripts/ensure-redis.sh
	@scripts/ensure-chromium.sh
	@scripts/ensure-node-example.sh

## demo: the whole pipeline locally with a sample workload, a summary, then stop
demo: setup
	$(PY) -m keywatch_ops dev demo

## up: the whole pipeline locally until Ctrl-C
up: setup
	$(PY) -m keywatch_ops dev up

$(CHECKOV_VENV)/.installed: constraints-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q --disable-pip-version-check -r constraints-checkov.txt
	touch $@

## checkov: the IaC scanner the infra tests run, in its own virtualenv
checkov: $(CHECKOV_VENV)/.installed

## bundle: the upload Cloud Functions builds from (dist/keywatch-functions.zip)
bundle: setup
	$(PY) scripts/bundle.py --out dist

## wheelhouse: the bundle's pinned wheels, so the bundle test installs them offline
wheelhouse: setup
	$(PY) scripts/bundle.py --out dist --wheelhouse $(WHEELHOUSE)

## test: every tier (unit, functional, integration, e2e, infra)
test: setup checkov wheelhouse
	@scripts/pytest.sh tests

## test-infra: the offline checks of infra/, cloudbuild.yaml and the bundle
test-infra: setup checkov wheelhouse
	@scripts/pytest.sh tests/infra

## test-fast: unit and functional only (no servers)
test-fast: setup
	@scripts/pytest.sh tests/unit tests/functional

lint: setup
	$(VENV)/bin/ruff check shared functions ops tests bench scripts
	$(VENV)/bin/ruff format --check shared functions ops tests bench scripts

typecheck: setup
	$(VENV)/bin/mypy

## tf-fmt: format infra/ (needs a terraform binary; the tests do not)
tf-fmt:
	terraform fmt -recursive infra

schemas: setup
	$(PY) -m keywatch.schemas

bench: setup
	$(PY) bench/bench_report.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache dist .cache
