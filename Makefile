# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
# Each creates its own virtual environment and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test lint format migrate seed clean vendor screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# The embedded product: SQLite + filesystem broker under var/, web + worker + beat, demo data.
# One Ctrl-C stops all three processes.
run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo "Open http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/). Ctrl-C stops everything."
	$(BIN)/honcho --procfile Procfile start

# The whole suite: lint, then tests. SQLite by default; PostgreSQL and Redis when
# DATABASE_URL / REDIS_URL / CELERY_BROKER_URL are set (as .ci/run does).
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/ $(VENV)

# Front-end assets from the npm registry, pinned in package-lock.json and copied into committed
# folders (so `make run` needs no npm): ECharts for the report charts, to static/vendor/echarts/;
# axe-core for the accessibility browser tests, to tests/browser/vendor/axe-core/ (never loaded by
# a product page).
vendor:
	scripts/vendor_assets.sh

# The queue and the case page at 1366 and 390 px in both languages, from a throwaway demo
# database (docs/screenshots.md).
screenshots: $(VENV)/.dev-installed
	$(BIN)/python scripts/screenshots.py
