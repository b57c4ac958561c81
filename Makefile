# The front door. Each target sets up the environment when its inputs changed, then calls one nox
# session: the command lines themselves live in noxfile.py. A fresh machine needs python3 (3.11+),
# node and npm (20+), make and git.

.DEFAULT_GOAL := help
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

# The interpreter .venv is made from (3.11+).
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
NOX := $(VENV)/bin/nox
ARGS ?=
# generated/ is written by `make generate`; once it exists it is installed too (editable).
GENERATED_PROJECT := $(wildcard generated/pyproject.toml)

# Python side: the project (editable) with its dev group, and the generated client; every
# package at the version constraints.txt pins (written by `make lock`).
$(VENV)/.installed: pyproject.toml constraints.txt $(GENERATED_PROJECT)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --python $(VENV)/bin/python -e . --group dev $(if $(GENERATED_PROJECT),-e ./generated) -c constraints.txt
	touch $@

# Node side: Prism and Spectral, exactly as package-lock.json pins them (no install scripts needed).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

SETUP := $(VENV)/.installed node_modules/.installed

.PHONY: help setup generate check-generated lint lock prism mock test coverage contract contract-long bench verify clean

help: ## Show this help
	@echo "make TARGET [ARGS='...']  (ARGS reach pytest, the server or the bench: make test ARGS='-k bulk')"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(SETUP) ## Create .venv and node_modules (every other target does this first)

generate: $(SETUP) ## Regenerate generated/ from openapi.yaml
	$(NOX) -s generate

check-generated: $(SETUP) ## Fail if generated/ differs from what make generate writes
	$(NOX) -s check_generated

lint: $(SETUP) ## Ruff, mypy (project strict, client --strict), spec validators, constraints.txt
	$(NOX) -s lint

# Order-only: a stale constraints.txt must not stop the install that runs `make lock` itself.
lock: | $(VENV)/.installed ## Rewrite constraints.txt from pyproject.toml (ARGS=--upgrade: newer)
	$(NOX) -s lock -- $(ARGS)

prism: $(SETUP) ## Serve Prism's mock of openapi.yaml on 127.0.0.1:4010
	$(NOX) -s prism -- $(ARGS)

mock: $(SETUP) ## Serve the mock server on 127.0.0.1:8080
	$(NOX) -s mock -- $(ARGS)

test: $(SETUP) ## Everything CI runs: lint, check-generated, breaking changes, all tests
	$(NOX) -s lint check_generated breaking_changes tests -- $(ARGS)

coverage: $(SETUP) ## Every test under coverage, as CI runs them: the lines no test reaches
	$(NOX) -s coverage -- $(ARGS)

contract: $(SETUP) ## Only the contract tests
	$(NOX) -s contract -- $(ARGS)

contract-long: $(SETUP) ## The contract tests, hypothesis profile "long", random seed
	$(NOX) -s contract_long -- $(ARGS)

bench: $(SETUP) ## Run the benchmark
	$(NOX) -s bench -- $(ARGS)

# The token reaches the command through the environment only: no command line that make or nox
# prints holds it.
verify: export AATROX_SMS_TOKEN := $(or $(TOKEN),$(AATROX_SMS_TOKEN))
verify: $(SETUP) ## Check a live server against the contract: BASE_URL=... TOKEN=... [FROM=... TO=... CA_FILE=...]
	$(NOX) -s verify -- --base-url "$(BASE_URL)" $(if $(FROM),--from "$(FROM)") $(if $(TO),--to "$(TO)") $(if $(CA_FILE),--ca-file "$(CA_FILE)") $(ARGS)

clean: ## Delete .venv, node_modules, .nox and caches (the next make sets up anew)
	rm -rf $(VENV) node_modules .nox .mypy_cache .ruff_cache .pytest_cache .hypothesis
