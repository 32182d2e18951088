# The two commands of the README: `make run` (demo on SQLite, Celery eager) and `make test`.
# Everything else here is what those two need on a fresh machine.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install system-deps chromium messages lint bench bench-indicators clean

## run: install, migrate, seed the demo and serve on http://127.0.0.1:$(PORT)
run: install messages
	@DEBUG=1 ESS_DEMO=1 $(MANAGE) migrate --noinput
	@DEBUG=1 ESS_DEMO=1 $(MANAGE) seed_demo
	@DEBUG=1 ESS_DEMO=1 PORT=$(PORT) ./bin/serve

## test: install what the tests need and run the whole suite
test: install chromium messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: system-deps $(VENV)/.installed

$(UV):
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

## system-deps: the system libraries WeasyPrint (Pango) and gettext need
system-deps:
	@./bin/system-deps

## chromium: Debian's Chromium for the browser tests (skipped with a reason when absent)
chromium:
	@command -v chromium >/dev/null 2>&1 || ./bin/system-deps chromium || \
		echo "Chromium absent : les tests navigateur seront ignorés (apt-get install chromium)."

messages: install
	@DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --ignore=.tools -v 0

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

bench: install
	$(PY) bench/run.py

## bench-indicators: indicators and both PDFs (quarterly report, health project) on 1,000,000 referrals (takes minutes)
bench-indicators: install
	$(PY) bench/indicators.py

clean:
	rm -rf $(VENV) .tools var/staticfiles
