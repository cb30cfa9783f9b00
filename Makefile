# Chapter platform. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
DEMO   ?= 1
export FLASK_APP := chapter

.PHONY: help install run test lint format serve migrate bench throughput load clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/activate

install: $(BIN)/activate ## Create .venv and install the app with its test and dev tools

migrate: install ## Apply the database migrations (flask db upgrade)
	$(BIN)/flask db upgrade

run: migrate ## Serve on http://127.0.0.1:$(PORT) (SQLite; demo chapter unless DEMO=0)
ifeq ($(DEMO),1)
	$(BIN)/flask chapter demo --if-empty
endif
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install ## Run the whole test suite (browser tests need /usr/bin/chromium)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, and the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## Page timings on a scratch dataset (BENCH_CHAPTERS=100 region, 1000 national; CHAPTER_BENCH_DATABASE_URL for PostgreSQL); BENCH_MODE=throughput for req/s
ifeq ($(BENCH_MODE),throughput)
	$(BIN)/python tests/load/throughput.py
else
	$(BIN)/python -m chapter.bench
endif

throughput: install ## req/s and p50/p95/p99 per page: gunicorn (2 workers) + wrk on the bench data (CHAPTER_BENCH_DATABASE_URL, PostgreSQL)
	$(BIN)/python tests/load/throughput.py

load: install ## Locust 60 s on gunicorn + PostgreSQL with the bench data (CHAPTER_BENCH_DATABASE_URL)
	$(BIN)/pip install --quiet locust
	tests/load/run.sh

serve: migrate ## Serve with gunicorn (production config: needs CHAPTER_SECRET_KEY)
	GUNICORN_BIND=127.0.0.1:$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

clean: ## Remove the virtualenv and caches (keeps instance/, your database)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
