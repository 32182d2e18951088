# The two commands of the README: `make run` (demo on SQLite, Celery eager) and `make test`.
# Everything else here is what those two need on a fresh machine. `make help` lists the targets.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Development commands never read .env (ESS_ENV_FILE empty): a production .env copied from
# .env.example (its ALLOWED_HOSTS, SMTP relay, database) must not change the demo.
DEV_ENV := ESS_ENV_FILE= DEBUG=1
DEMO_ENV := $(DEV_ENV) ESS_DEMO=1 ALLOWED_HOSTS=127.0.0.1,localhost,[::1] \
	ESS_BASE_URL=http://127.0.0.1:$(PORT)

.DEFAULT_GOAL := help
.PHONY: help run test install install-dev system-deps chromium messages lint bench \
	bench-indicators bench-scale clean

help: ## list these targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-17s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

run: install messages ## demo with its data on http://127.0.0.1:8000 (PORT=8010 make run)
	@$(DEMO_ENV) $(MANAGE) migrate --noinput
	@$(DEMO_ENV) $(MANAGE) seed_demo
	@$(DEMO_ENV) PORT=$(PORT) ./bin/serve

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto

test: install-dev chromium messages ## the whole test suite (PYTEST_ARGS="tests/ess -x" for a part)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

install: system-deps $(VENV)/.installed-runtime ## virtualenv with the runtime dependencies only

install-dev: system-deps $(VENV)/.installed-dev ## virtualenv with the development tools too

$(UV):
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv

# --inexact keeps the development tools a previous `make test` installed.
$(VENV)/.installed-runtime: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --no-dev --inexact
	@touch $@

$(VENV)/.installed-dev: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@ $(VENV)/.installed-runtime

system-deps: ## the system libraries WeasyPrint (Pango) and gettext need (Debian, root or sudo)
	@./bin/system-deps

chromium: ## Debian's Chromium for the browser tests (skipped with a reason when absent)
	@command -v chromium >/dev/null 2>&1 || ./bin/system-deps chromium || \
		echo "Chromium absent : les tests navigateur seront ignorés (apt-get install chromium)."

messages: install ## compile the translation catalogues (locale/)
	@$(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=.tools -v 0

lint: install-dev ## ruff (lint and format), the import contracts (layers) and makemigrations --check
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

bench: install ## coordinator dashboard on 100,000 referrals, PostgreSQL (docs/performance.md)
	$(PY) bench/run.py

bench-indicators: install ## indicators and both PDFs on 1,000,000 referrals (takes minutes)
	$(PY) bench/indicators.py

bench-scale: install ## 10k vs 1M side by side, ratio table and query plans (docs/performance.md)
	$(PY) bench/scale.py

clean: ## remove the virtualenv, the uv bootstrap and collected static files
	rm -rf $(VENV) .tools var/staticfiles
