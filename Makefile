# Berth's commands. `make run` and `make test` each do the whole set-up on a fresh
# machine: virtualenv, local cluster, Redis and PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CLUSTER := $(PYTHON) localcluster/cluster.py
SERVICES := $(PYTHON) devstack/services.py

# The test suite runs on PostgreSQL, as production does; Redis database 1 keeps its
# queues apart from `make run`'s.
TEST_ENV := BERTH_DATABASE_URL=postgres://berth@127.0.0.1:15432/berth \
	BERTH_REDIS_URL=redis://127.0.0.1:16379/1 \
	BERTH_REQUIRE_CLUSTER=1

.PHONY: run test test-unit bench cluster-up cluster-down services lint format lock messages clean

run: $(VENV)/.installed
	$(BIN)/python devstack/run.py

test: $(VENV)/.installed cluster-up services
	$(SERVICES) install-browser
	$(TEST_ENV) $(BIN)/python -m pytest

test-unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests/unit

bench: $(VENV)/.installed cluster-up services
	$(TEST_ENV) $(BIN)/python -m benchmarks
	$(BIN)/python benchmarks/audit.py

cluster-up:
	$(CLUSTER) up

cluster-down:
	$(CLUSTER) down

services:
	$(SERVICES) up redis postgres

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

# Regenerate the lock file after changing pyproject.toml's dependencies.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=localcluster
	$(BIN)/python manage.py makemessages -d djangojs -l zh_Hans --ignore=.venv || true
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
