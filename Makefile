# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
HOST ?= 127.0.0.1
PORT ?= 8000
FIXTURES := units_phong_tho units_lai_chau_2025 programme_2024 milestones_2024 programme_lai_chau_2026 programme_xa_khong_lao_2026

.PHONY: run test lint setup install lock upgrade bench clean screenshots

# The try-out runs in debug mode, unless the environment or a .env file says otherwise (a server's .env that says
# false is never overridden, so no demo account is made there); the settings alone never assume it.
DOTENV_DEBUG := $(shell sed -n 's/^[[:space:]]*DJANGO_DEBUG[[:space:]]*=[[:space:]]*//p' .env 2>/dev/null | tail -n 1)
DJANGO_DEBUG ?= $(or $(DOTENV_DEBUG),true)
TRYOUT := DJANGO_DEBUG=$(DJANGO_DEBUG) $(BIN)/python manage.py

# The web server, and beside it the worker that makes the downloads too long for a request (reporting/downloads.py);
# when the server stops (Ctrl-C), or this shell is told to stop, the worker is stopped too.
run: setup
	@$(TRYOUT) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(TRYOUT) runserver $(HOST):$(PORT)

setup: $(STAMP)
	$(TRYOUT) migrate --noinput
	$(TRYOUT) loaddata $(FIXTURES)
	$(TRYOUT) verify_totals
	$(TRYOUT) demo_accounts
	$(TRYOUT) demo_reports

# A model changed without its migration fails the run, before the suite. The suite runs on every core
# (pytest-xdist, a test database for each worker); a file's tests stay together on one worker, so that the
# worlds a module builds once are built once. `make test TEST_WORKERS=0` runs it in this process alone.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(STAMP)

# The exact releases of requirements/lock.txt, each checked against its hash; then the app itself.
$(STAMP): $(LOCK) pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON)) / Python 3.11 is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# `make lock` after changing the dependencies in pyproject.toml: keeps every pinned release that still fits.
# `make upgrade` moves every package to its newest release that pyproject.toml allows. Both write the lock (every
# package, for make and CI), then requirements/production.txt (the app's own, at the same releases), and install.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet
lock: $(STAMP)
	$(UV_COMPILE) --extra dev $(LOCK_UPGRADE) --output-file $(LOCK)
	$(UV_COMPILE) --constraints $(LOCK) --output-file requirements/production.txt
	@$(MAKE) --no-print-directory install
upgrade: LOCK_UPGRADE := --upgrade
upgrade: lock

# `make bench BENCH_UNITS=1000 BENCH_SECONDS=20` for one size: needs PostgreSQL (see docs/benchmarks.md).
BENCH_UNITS ?= 1000 10000 50000
BENCH_SECONDS ?= 60
bench: $(STAMP)
	BENCH_UNITS="$(BENCH_UNITS)" BENCH_SECONDS=$(BENCH_SECONDS) $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .hypothesis

screenshots: $(STAMP)
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/browser/test_screenshots.py tests/test_document_layout.py
