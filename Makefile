# Paddock: batch ETL for sports data.
#   make run    build, then run the football pipeline on the embedded sample and publish a snapshot
#   make test   the whole test suite (unit, golden end-to-end, pipes)
# Both install the missing C libraries (libcsv-dev, libzstd-dev, libcurl4-openssl-dev, libssl-dev) with apt-get first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

APT_PACKAGES := libcsv-dev libzstd-dev zstd procps libcurl4-openssl-dev libssl-dev libyaml-dev
DATA_DIR ?= data
export DATA_DIR
NOW ?=

VENV_TEST := .venv-test
CONSUMER_PACKAGES := duckdb pandas polars zstandard frictionless

PIPELINE ?= football

.PHONY: help deps build check run run-events smoke daily backfill fetch tables dq publish runs test test-venv bench bench-dq bench-backfill clean

help:
	@sed -n '2,4p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Other targets: build, check PIPELINE=, run-events, smoke, daily, backfill FROM= TO=, fetch, tables, dq, publish, runs, bench, bench-dq, bench-backfill, clean"
	@echo "  (PIPELINE=football|racing; DATA_DIR, ENV and the rest: docs/setup.md)"

# Installs what the build needs and says so; does nothing when everything is there.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing missing packages:$$missing (apt-get)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v swift >/dev/null || { echo "make: error: swift is not on PATH (Swift 6 is needed)"; exit 2; }

build: deps
	swift build -c release

# Compiles a pipeline definition and lists every problem in it (file:line:column); runs nothing.
check: build
	bin/normalize --pipeline $(PIPELINE) --check

run: build
	scripts/run_pipeline.sh --pipeline football $(if $(NOW),--now $(NOW))

# The events pipeline against the local fixture API (started and stopped by the script).
run-events: build
	scripts/run_events_demo.sh $(if $(NOW),--now $(NOW))

# Python consumers (DuckDB, pandas, polars) for the tests that read published snapshots.
test-venv:
	@if [ ! -x $(VENV_TEST)/bin/python ] || ! $(VENV_TEST)/bin/python -c 'import duckdb, pandas, polars, zstandard, frictionless' 2>/dev/null; then \
	  echo "make: installing Python consumers in $(VENV_TEST): $(CONSUMER_PACKAGES) (pip)"; \
	  python3 -m venv $(VENV_TEST) && $(VENV_TEST)/bin/pip install -q $(CONSUMER_PACKAGES); \
	fi

test: build test-venv
	swift build --build-tests
	scripts/test.sh

# The sample pipeline end to end with a fixed --now: the CI smoke test of a fresh clone.
smoke: build
	scripts/run_pipeline.sh --pipeline football --now 2025-06-01T00:00:00Z
	bin/publish --pipeline football --verify

# A scheduled run of PIPELINE (files sources take everything new; date windows come with http sources).
daily: build
	scripts/run_pipeline.sh --pipeline $(PIPELINE) --mode daily $(if $(NOW),--now $(NOW))

# A backfill of PIPELINE over FROM..TO (YYYY-MM-DD), in windows, resumable (docs/backfill.md).
backfill: build
	@[ -n "$(FROM)" ] && [ -n "$(TO)" ] || { echo "make: error: make backfill needs FROM=YYYY-MM-DD TO=YYYY-MM-DD"; exit 64; }
	scripts/run_pipeline.sh --pipeline $(PIPELINE) --mode backfill --from $(FROM) --to $(TO) $(if $(NOW),--now $(NOW))

# Incremental: `make tables` fetches what is new, then rebuilds only the derived tables whose inputs
# changed (the ledger, i.e. something new was stored, or the pipeline definition). The paths come from
# the tools (discover --path), which own every name of the data folder; {table} and {run_id} are filled
# in here (the statistics go to the run folder `make-tables`).
PATH_OF = $(shell bin/discover --pipeline $(PIPELINE) --path $(1))
TABLES = $(shell bin/normalize --pipeline $(PIPELINE) --list-tables 2>/dev/null)

fetch: build
	bin/extract --pipeline $(PIPELINE) --discover --records none $(if $(NOW),--now $(NOW))

tables: fetch
	@$(MAKE) --no-print-directory TABLE_RULES=1 $(foreach t,$(TABLES),$(subst {table},$(t),$(call PATH_OF,table)))

# Defined only in the sub-make of `tables`, which runs after the build: the tools answer there.
ifdef TABLE_RULES
LEDGER := $(call PATH_OF,ledger)
TABLE_PATH := $(call PATH_OF,table)
STATS_PATH := $(subst {run_id},make-tables,$(call PATH_OF,stats))

$(subst {table},%,$(TABLE_PATH)): $(LEDGER) config/pipelines/$(PIPELINE).yaml
	@mkdir -p $(dir $@) $(dir $(STATS_PATH))
	bin/discover --pipeline $(PIPELINE) $(if $(NOW),--now $(NOW)) | bin/extract --pipeline $(PIPELINE) --units - --stored-only \
	  | bin/normalize --pipeline $(PIPELINE) --table $* --output $@ --stats $(subst {table},$*,$(STATS_PATH))
endif

# Only the checks, or only the publish step, of PIPELINE's current derived tables.
dq: build
	bin/dq-check --pipeline $(PIPELINE) $(if $(NOW),--now $(NOW))

publish: build
	bin/publish --pipeline $(PIPELINE) $(if $(NOW),--now $(NOW))

# The last runs recorded in $(DATA_DIR)/index/pipeline_runs.csv.
runs:
	@scripts/list_recent_runs.sh 20

bench: build
	scripts/bench.sh

bench-dq: build
	scripts/bench_dq.sh

bench-backfill: build
	scripts/bench_backfill.sh

clean:
	rm -rf .build $(VENV_TEST) data/raw data/derived data/processed data/index data/runs data/logs
