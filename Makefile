# SiteCase. `make run` starts the embedded system on one machine; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# Test workers (pytest-xdist), whole files to each: one per core of the two-core reference machine.
# TEST_WORKERS=0 runs the suite in this one process.
TEST_WORKERS ?= 2

.PHONY: help run test lint assets

help:
	@echo "make run    set up $(VENV), migrate, load the demo data, serve http://$(HOST):$(PORT)/ (PORT=8080 make run)"
	@echo "make test   run the whole suite; narrow it with PYTEST_ARGS='tests/unit -k inbox'"
	@echo "make lint   ruff and the import-linter contracts of setup.cfg"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps make the (slow) install run again only when the package metadata changes.
$(VENV)/.stamp-install: setup.cfg pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --editable .
	touch $@

$(VENV)/.stamp-install-dev: setup.cfg pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --editable '.[dev]'
	touch $@

# Browser assets from the npm registry (package-lock.json), copied next to the pages; not committed.
VENDOR := app/web/static/vendor
$(VENDOR)/.stamp: package.json package-lock.json $(wildcard assets/designer/*)
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/bpmn-js
	cp node_modules/bpmn-js/dist/bpmn-modeler.production.min.js node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js $(VENDOR)/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets/. $(VENDOR)/bpmn-js/assets/
	mkdir -p $(VENDOR)/echarts
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE $(VENDOR)/echarts/
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	# The process modeler (bpmn-js + properties panel + SiteCase providers), bundled by esbuild.
	node assets/designer/build.mjs $(VENDOR)/designer
	touch $@

assets: $(VENDOR)/.stamp

run: $(VENV)/.stamp-install assets
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi processes deploy
	$(BIN)/flask --app wsgi demo seed
	$(BIN)/flask --app wsgi devices compliance
	exec $(BIN)/python -m app.runner --host $(HOST) --port $(PORT)

# The whole suite also proves that the tests walk every sequence flow of every shipped diagram
# (tests/support/flow_coverage.py); a narrowed run (PYTEST_ARGS) does not check that.
FLOWS_WALKED := test-artifacts/flows-walked.json
test: $(VENV)/.stamp-install-dev assets
	@mkdir -p test-artifacts
	SITECASE_FLOW_COVERAGE=$(FLOWS_WALKED) $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	$(if $(strip $(PYTEST_ARGS)),,$(BIN)/python -m tests.support.flow_coverage $(FLOWS_WALKED))

lint: $(VENV)/.stamp-install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
