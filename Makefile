# Plaudit: two commands for a newcomer.
#   make demo   set everything up, load the demo and serve it on http://127.0.0.1:8000
#   make test   set everything up (Chromium included) and run the whole suite
# Set DATABASE_URL to run either on PostgreSQL instead of SQLite.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make

.PHONY: help demo test install system-deps lint bench clean

help:
	@echo "make demo   - install, load the demo programme and serve it on http://127.0.0.1:8000"
	@echo "make test   - install (Chromium too) and run the whole test suite"
	@echo "make lint   - ruff, and the import rules between apps (import-linter)"
	@echo "make bench  - the benchmark suite on PostgreSQL; writes docs/benchmarks.md"

$(STAMP)/python: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Plaudit needs Python 3.11; set PYTHON=/path/to/python3.11")'
	@mkdir -p $(STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(STAMP)/npm: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Plaudit needs Node.js and npm (for NHS.UK frontend): apt-get install nodejs npm"; exit 1; }
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/plaudit.css: $(STAMP)/npm static/scss/plaudit.scss
	npm run --silent build

install: $(STAMP)/python static/build/plaudit.css

system-deps:
	@bash scripts/system-deps.sh

# The demo runs background tasks (emails) inside the request and prints emails to this terminal.
DEMO_ENV := DEBUG=1 PLAUDIT_TASKS_IMMEDIATE=1

demo: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo "Serving the demo on http://127.0.0.1:8000 (Ctrl+C to stop). Emails appear below."
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install system-deps
	$(BIN)/python -m pytest

$(STAMP)/bench: $(STAMP)/python requirements-bench.txt
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	@touch $@

# The benchmark suite (not part of make test): needs PostgreSQL on 127.0.0.1:5432 (user postgres)
# and writes docs/benchmarks.md. About fifteen minutes.
bench: install system-deps $(STAMP)/bench
	$(BIN)/python -m bench

lint: $(STAMP)/python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(STAMP) node_modules static/build staticfiles db.sqlite3
