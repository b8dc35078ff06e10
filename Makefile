# Two commands matter: `make run` (the whole bot) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
MODEL := models/current.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

# Local configuration (see .env.example), exported to every process.
ifneq (,$(wildcard .env))
include .env
export
endif

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook
# The backend and cluster tests run on this PostgreSQL and Redis (the development and CI
# machines have them; tests skip without them, except in CI where they fail).
export TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: help setup train run cluster shell test test-fast lint bench soak missed retrain validate purge-inactive lock clean

help:
	@echo "make run    train if needed, start every process, print where to chat"
	@echo "make test   lint, types, then the whole test suite (trains first if needed)"
	@echo "make test-fast  the unit tier: no process, no model (seconds)"
	@echo "make lint   ruff (lint + format check), mypy, function length, widget JS syntax"
	@echo "make cluster  2 Rasa replicas + 2 action servers behind nginx, PostgreSQL, Redis"
	@echo "make train  train the model when data/, domain.yml or config.yml changed"
	@echo "make shell  chat with the bot in the terminal"
	@echo "make bench  NLU quality vs baselines, speed and memory: docs/BENCHMARKS.md"
	@echo "make soak   the cluster under load, faults and bad input: docs/SOAK.md"
	@echo "make missed messages the bot failed on, from the tracker store, by intent"
	@echo "make retrain  the agents' labels as training data; promote the new model if no figure drops"
	@echo "make purge-inactive [APPLY=1]  list (delete) accounts inactive for 3+ years"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt scripts/find-python.sh
	@python=$$(scripts/find-python.sh) && \
	  { [ -x $(PY) ] || "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	@# One pip command for everything, so that no later install moves Rasa's pins.
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,bench]"
	@touch $@

train: $(MODEL)

# Our NLU components' code is a training input too: when it changed, the components are
# trained again without Rasa's cache (.rasa/cache would restore the ones the old code
# trained, since Rasa fingerprints their configuration, not their code).
NLU_CODE := $(wildcard bot/rasa_ext/nlu/*.py)
$(MODEL): $(TRAINING_INPUTS) $(NLU_CODE) | $(STAMP)
	$(RASA) train --fixed-model-name current --out models $(if $(filter $(NLU_CODE),$?),--force,)

run: $(MODEL)
	$(PY) -m bot.ops.run

# Production layout on this machine: 2 Rasa replicas + 2 action servers behind nginx,
# PostgreSQL tracker store and backend, Redis lock store (deploy/README.md).
cluster: $(MODEL)
	$(PY) -m bot.ops.run --cluster

shell: $(MODEL)
	$(PY) -m bot.ops.run --shell

# Lint first: it takes seconds and fails before the slow tiers start.
test: lint $(MODEL)
	$(PY) -m pytest

# The unit tier: pure logic, no process, no model.
test-fast: $(STAMP)
	$(PY) -m pytest tests/unit -q

lint: $(STAMP)
	$(VENV)/bin/ruff check bot actions benchmarks tests
	$(VENV)/bin/ruff format --check bot actions benchmarks tests
	$(VENV)/bin/mypy
	$(PY) -m pytest -q tests/unit/test_code_checks.py

# NLU quality against two baselines, then our bot next to a plain Rasa bot under the same
# Locust load (speed, memory, py-spy profiles); rewrites docs/BENCHMARKS.md and docs/bench/.
# Loopback only, about 40 minutes (the plain bot's first training is 20 of them; cached).
# BENCH_QUICK=1: the speed part only, seconds per level, written under var/bench/quick/.
bench: $(MODEL)
ifeq ($(BENCH_QUICK),1)
	$(PY) -m benchmarks.speed --quick --out var/bench/quick/bench
	$(PY) -m benchmarks.report --bench var/bench/quick/bench --report var/bench/quick/BENCHMARKS.md
else
	$(PY) -m benchmarks.nlu_quality --out docs/bench
	$(PY) -m benchmarks.speed --out docs/bench
	$(PY) -m benchmarks.report
endif

# The cluster under load, faults and bad input; rewrites docs/SOAK.md (about 10 minutes).
# SOAK_ARGS=--bad-input-only: the cluster and the bad input only (about 2 minutes).
soak: $(MODEL)
	$(PY) -m benchmarks.soak $(SOAK_ARGS)

# Messages that ended in the fallback or a hand-over, from the tracker store, by intent.
missed: $(STAMP)
	$(PY) -m bot.ops.missed

# The agents' labels (/agent « À revoir ») into data/nlu_labelled.yml, a candidate trained,
# compared with the served model on the evaluation sets and a like-for-like CV
# (RETRAIN_ARGS=--cv-folds 0 skips it), promoted (and loaded by the running
# Rasa servers) only if no figure drops beyond noise; comparison under var/retrain/.
retrain: $(MODEL)
	$(PY) -m bot.ops.retrain $(RETRAIN_ARGS)

validate: $(STAMP)
	$(RASA) data validate

# Accounts inactive for more than 3 years: listed; deleted with `make purge-inactive APPLY=1`.
purge-inactive: $(STAMP)
	$(PY) -m bot.backend purge-inactive $(if $(APPLY),--apply)

# Re-pins every transitive version from a fresh resolution of pyproject.toml.
lock:
	@python=$$(scripts/find-python.sh) && rm -rf .lock-venv && "$$python" -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "pip==24.0" && .lock-venv/bin/pip install --quiet ".[test,bench]"
	{ echo "# Every version tested together (Python 3.10, linux x86_64). Regenerate with 'make lock'."; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^roulement-assistant' | sort -f; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf models results var .pytest_cache
