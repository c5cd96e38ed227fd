# Two commands: `make run` (demo on http://127.0.0.1:8000/) and `make test` (whole suite on PostgreSQL).
# `make serve` runs production (docs/operations.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint serve clean bench loadtest screenshots messages

# The first step installs what a stock Debian lacks to make a venv (python3-venv).
$(VENV)/.installed: requirements.txt
	PYTHON=$(PYTHON) bash scripts/system-packages.sh run
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py compilemessages --ignore=$(VENV) --verbosity 0
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --if-empty
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Debian packages first (README lists them), then the venv, then the suite.
test:
	PYTHON=$(PYTHON) bash scripts/system-packages.sh test
	$(MAKE) --no-print-directory $(VENV)/.dev-installed
	bash scripts/test.sh

# The pictures of docs/screenshots/ (README, guides): browser tests and printed reports, copied
# from test-artifacts/. The suite itself never writes into tracked files.
screenshots:
	PYTHON=$(PYTHON) bash scripts/system-packages.sh test
	$(MAKE) --no-print-directory $(VENV)/.dev-installed
	bash scripts/screenshots.sh

# Benchmarks on a throwaway PostgreSQL (docs/performance.md): `make bench` (district tier),
# `make bench TIER=city` or `TIER=nation`; `make loadtest`: 100 signed-in users for 2 minutes
# against gunicorn (gunicorn.conf.py's worker model), city tier; requests/s and latencies.
# BENCH_PGDATA=/some/dir keeps a generated tier between runs.
TIER ?= district
bench: $(VENV)/.dev-installed
	bash scripts/bench.sh --tier $(TIER)

loadtest: $(VENV)/.dev-installed
	bash scripts/bench.sh --tier city --load-only --users 100

# Production: gunicorn + WhiteNoise on PostgreSQL; reads .env, refuses an unsafe configuration.
serve: $(VENV)/.installed
	bash scripts/serve.sh

# After adding or changing interface text: extract it into locale/en/LC_MESSAGES/django.po, then
# translate every new msgid (tests/test_i18n.py lists those still missing). Vietnamese is the source
# language, so it has no catalogue of its own.
messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete --ignore=$(VENV) --ignore=scale --ignore=tests \
	  --ignore=test-artifacts --ignore=docs
	DEBUG=1 $(PY) manage.py compilemessages --ignore=$(VENV) --verbosity 0

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
