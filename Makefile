# Newsdesk — `make run` serves the app with the seed data, `make test` runs the tests.
# Everything installs into .venv from pyproject.toml; nothing depends on a manual step.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-fast e2e-deps lint format migrate clean help bench

help:
	@echo "make run    - set up, migrate, load seed data, create demo users, serve on http://$(HOST):$(PORT)"
	@echo "make test   - set up and run the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make lint   - ruff check and ruff format --check"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# A random SECRET_KEY kept out of git, so sessions survive restarts of the dev server.
.env:
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "wrote .env with a new random SECRET_KEY"

migrate: $(STAMP) .env
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_seed
	$(PY) manage.py create_demo_users
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium through Playwright; never a browser download.
e2e-deps:
	@test -x $(CHROMIUM) || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) e2e-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmark suite (bench/run.py): a fresh database, SIZE generated articles; writes
# bench/results.json and prints the bars. `make bench SIZE=10000` for a quick run.
SIZE ?= 100000
bench: $(STAMP)
	$(PY) bench/run.py --size $(SIZE)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles test-artifacts
