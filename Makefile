# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOGUE := commitments/catalogue/2025-02-21-china-pakistan-all-weather-partnership.yaml
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-fast lint format install install-dev catalogue audit bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0
install-dev: $(VENV)/.installed-dev
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0

catalogue: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_catalogue $(CATALOGUE)
	$(BIN)/python manage.py judge

run: catalogue
	$(BIN)/python manage.py ensure_admin
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production server: gunicorn and whitenoise, settings from the environment (see README, "Production").
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py judge
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn tracker.wsgi

# Known vulnerabilities in the pinned requirements (pip-audit asks PyPI's advisory data).
audit: install-dev
	$(BIN)/pip install --quiet -r requirements-audit.txt
	$(BIN)/pip-audit --requirement requirements.txt --requirement requirements-dev.txt --disable-pip --no-deps

# Public pages, staff lists, exports and writes at scale on SQLite and on PostgreSQL (127.0.0.1:5432), at 20,000 and
# 100,000 commitments, against the goals of bench/README.md; about 90 minutes, seeding included.
bench: install-dev
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The tests run in one process per core (pytest-xdist), each with a test database of its own;
# a test module stays in one process, so its fixtures are built once.
PYTEST := $(BIN)/pytest --numprocesses auto --dist loadscope

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(PYTEST)

# While working: lint and the quick tests, without the browser and the multi-process tests that `make test` runs.
test-fast: lint
	$(PYTEST) -m "not browser and not slow"
