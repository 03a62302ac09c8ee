# Shuxiang — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
MANAGE := $(BIN)/python manage.py

.PHONY: venv prepare run serve test lint format bench messages backup restore clean-venv

# The venv is rebuilt whenever the lock file changes.
$(BIN)/.installed: requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

venv: $(BIN)/.installed

prepare: $(BIN)/.installed
	$(MANAGE) migrate --noinput
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages --ignore=.venv -v 0; \
	 else echo "msgfmt not found: using the committed .mo catalogues"; fi
	$(MANAGE) load_demo

run: prepare
	@echo "Shuxiang on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(MANAGE) db_worker & worker=$$!; \
	 trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	 $(MANAGE) runserver $(HOST):$(PORT)

# Production-like serving: DEBUG off, gunicorn, static files through whitenoise, and the
# background worker that prepares long documents (rosters, tracking tables past
# SHUXIANG_BACKGROUND_ROWS rows) beside it; DB_WORKER=0 when the worker runs as its own
# service. Needs SECRET_KEY and ALLOWED_HOSTS in the environment (see README).
# Workers: WEB_CONCURRENCY, by default 2 × cores + 1 (gunicorn's advice for sync workers;
# each holds one database connection). Timeout: no request waits on a long document any
# more, so a request still running after GUNICORN_TIMEOUT seconds is stuck and its worker
# is restarted; workers are also renewed every ~1,000 requests to keep memory flat.
WEB_CONCURRENCY ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1) + 1)' 2>/dev/null || echo 3)
GUNICORN_TIMEOUT ?= 30
DB_WORKER ?= 1
serve: $(BIN)/.installed
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) collectstatic --noinput -v 0
	@if [ "$(DB_WORKER)" = 1 ]; then \
	   DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) db_worker & worker=$$!; \
	   trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	 fi; \
	 DJANGO_SETTINGS_MODULE=config.settings.production $(BIN)/gunicorn config.wsgi \
	  --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) --timeout $(GUNICORN_TIMEOUT) \
	  --graceful-timeout $(GUNICORN_TIMEOUT) --max-requests 1000 --max-requests-jitter 100 \
	  --access-logfile -

test: $(BIN)/.installed
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages --ignore=.venv -v 0; fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each measure beside a baseline computing the same result, runs interleaved, median (min–max)
# of 7: the plan dashboard, structure, compliance, staff import/export, roster, tracking
# table and the cached home page under gunicorn, on a fresh SQLite file, and on PostgreSQL
# too with BENCH_DATABASE_URL (a database named *bench*, created and dropped by the bench).
# The table goes into docs/benchmarks.md. BENCH_ARGS="--runs 9 --staff 50000" etc.
BENCH_DATABASE_URL ?=
bench: $(BIN)/.installed
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.test \
	  $(MANAGE) bench --write $(BENCH_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The database and the media and private files in one archive in SHUXIANG_BACKUP_DIR
# (var/backups); restore goes into an empty database of the same engine and empty file
# directories, FORCE=1 replaces them after backing them up (README, Backup and restore).
backup: $(BIN)/.installed
	$(MANAGE) backup

restore: $(BIN)/.installed
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/shuxiang-….tar.gz [FORCE=1]"; exit 2; }
	$(MANAGE) restore "$(FILE)" $(if $(filter 1 yes true,$(FORCE)),--force)

messages: $(BIN)/.installed
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv

clean-venv:
	rm -rf $(VENV)
