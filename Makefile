# Every command of the project. README documents these targets; .ci/run calls `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV ?= uv
RUN := $(UV) run --frozen --no-sync
RASA := $(RUN) rasa

# Configuration with development defaults (README: "Configuration"). Override in the environment.
export DATABASE_URL ?= sqlite:///$(CURDIR)/var/citizenbot.db
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTION_PORT)/webhook
export RASA_TOKEN ?= dev-token-change-me
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export WEB_PORT ?= 8080
export RASA_URL ?= http://localhost:$(RASA_PORT)
export WEB_SECRET ?= dev-secret-change-me
export CITY ?= tampere
# quieter TensorFlow / SQLAlchemy / Rasa start-up
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONHASHSEED ?= 0

.PHONY: help setup system-packages-run system-packages-test system-packages seed migrate run-cluster train run shell actions web eval test lint pytest jstest validate clean

help:
	@echo "make run    set up, seed, train if needed, serve: demo page + widget http://localhost:$(WEB_PORT),"
	@echo "            Rasa :$(RASA_PORT) (REST + HTTP API), actions :$(ACTION_PORT)"
	@echo "make test   set up and run every check (lint, pytest, rasa data validate, train, conversations, cluster, eval)"
	@echo "make run-cluster   nginx + 2 Rasa, 2 action servers, 2 gateways on PostgreSQL and Redis (README: Scaling)"
	@echo "make system-packages   install the system packages both need (Debian: Node.js, Chromium, PostgreSQL, ...)"
	@echo "make train | make eval | make shell | make seed | make migrate | make lint | make clean"

setup: system-packages-run .venv/.synced web/node_modules/.installed

# The system packages (scripts/system_packages.sh has the one list): every target checks those of
# `make run` first and says how to install what is missing; `make test` checks its own as well.
# `make system-packages` installs them all (apt-get; as root or through sudo), as .ci/run does.
system-packages-run:
	@scripts/system_packages.sh --check run

system-packages-test:
	@scripts/system_packages.sh --check test

system-packages:
	scripts/system_packages.sh --install test

.venv/.synced: pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

# The widget's browser dependencies (socket.io-client, hds-core, axe-core), pinned in package-lock.json.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

seed: setup
	$(RUN) citizenbot seed

# The servers migrate the database at start; this does it alone (README: "Schema migrations").
migrate: setup
	$(RUN) citizenbot db upgrade

# `rasa train` keeps the latest model when its fingerprint matches the current data and config.
train: setup
	$(RASA) train --num-threads 2 --out models

run: setup seed train
	scripts/serve.sh

actions: setup seed
	$(RUN) citizenbot actions --port $(ACTION_PORT)

web: setup seed
	$(RUN) citizenbot web --port $(WEB_PORT)

shell: setup seed train
	scripts/serve.sh --shell

# The production layout on this machine (README "Scaling"): nginx, 2 Rasa replicas, 2 action
# servers, 2 web gateways, PostgreSQL, Redis. Needs the Debian packages nginx and redis-server
# (`make system-packages`). `make test` runs it too (scripts/test_cluster.sh), killing replicas.
run-cluster: setup train
	scripts/run_cluster.sh

# Evaluate over HTTP: starts the servers for the run unless one is already listening.
EVAL_FILES ?= $(wildcard tests/eval/*.tsv)
eval: setup seed train
	scripts/with_servers.sh $(RUN) citizenbot eval --url http://localhost:$(RASA_PORT) $(EVAL_FILES) $(EVAL_ARGS)

lint: setup
	$(RUN) ruff check citizenbot actions tests bench

pytest: setup
	scripts/with_postgres.sh $(RUN) pytest -q --durations=15

jstest: setup
	cd web && npm test --silent

validate: setup
	$(RASA) data validate --fail-on-warnings --max-history 5

# The training runs in the background during the checks that do not need a model (two cores, and
# both are mostly single-threaded); scripts/test_dialogue.sh then finds the model up to date.
test: system-packages-test setup
	@RUN="$(RUN)" scripts/train_background.sh start
	@$(MAKE) --no-print-directory lint validate data-check pytest jstest || { scripts/train_background.sh stop; exit 1; }
	@echo "== $$(date +%T) checks done"
	@RUN="$(RUN)" scripts/train_background.sh wait
	TRAINED=1 scripts/test_dialogue.sh
	scripts/test_cluster.sh
	@echo "== $$(date +%T) bench-quick"
	$(BENCH_QUICK)
	@echo "== $$(date +%T) make test done"

clean:
	rm -rf var .rasa results .pytest_cache

# Performance benchmarks (README "Performance"): latency under load against a stock `rasa init`
# assistant, knowledge-base lookups (SQLite and a throwaway PostgreSQL), training, CLINC150, held-out
# accuracy. Report and plots in results/bench/. Not tests: no timing thresholds anywhere.
# bench-quick runs every code path on tiny inputs (a few minutes) to check that the benchmark works.
BENCH_PG_PORT ?= 55532
.PHONY: bench bench-quick
bench: setup train
	TEST_PG_PORT=$(BENCH_PG_PORT) scripts/with_postgres.sh $(RUN) citizenbot bench $(BENCH_ARGS)

BENCH_QUICK = TEST_PG_PORT=$$(( $(BENCH_PG_PORT) + 1 )) scripts/with_postgres.sh $(RUN) citizenbot bench --quick $(BENCH_ARGS)
bench-quick: setup train
	$(BENCH_QUICK)

# Trainers and content editors (README "For trainers and content editors"). data-check belongs in
# `make test` (what a trainer must fix before training; exit 1 on errors, a few seconds).
INBOX_FILE ?= var/trainer/inbox.tsv
.PHONY: data-check inbox inbox-import retrain deploy rollback
data-check: setup
	$(RUN) citizenbot data check

inbox: setup
	$(RUN) citizenbot inbox collect
	$(RUN) citizenbot inbox export $(INBOX_FILE)

inbox-import: setup
	$(RUN) citizenbot inbox import $(INBOX_FILE) $(INBOX_ARGS)

retrain: setup
	$(RUN) citizenbot train $(TRAIN_ARGS)

deploy: setup
	$(RUN) citizenbot deploy $(DEPLOY_ARGS)

rollback: setup
	$(RUN) citizenbot rollback
