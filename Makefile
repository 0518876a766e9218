# Two commands: `make run` (app with demo data) and `make test` (the whole suite).
# `make test-fast`: the suite without the browser tests, report builds, extra processes and PostgreSQL, while you work.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT := $(or $(STREAMLIT_SERVER_PORT),8501)

.PHONY: run test test-fast seed bench screenshots lint format-check chromium nginx postgres

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m kpi seed
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

seed: $(VENV)/.installed
	$(PY) -m kpi seed

# A Chromium for the browser tests: the system's, else Debian's package, else Playwright's own build; beside it Chromium's
# headless shell (Debian's `chromium-headless-shell`), in which Kaleido draws the reports' charts (kpi/browser.py).
chromium: $(VENV)/.dev-installed
	@$(PY) -m kpi.browser --ensure

# nginx for the proxy tests (several servers behind one address): Debian's package when run as root, else they skip.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || true
# PostgreSQL for the tests on the second backend: Debian's package when missing (as root); the tests start a
# throwaway server in a temporary folder and stop it at the end (tests/pg.py), or skip with the reason.
postgres: $(VENV)/.dev-installed
	@$(PY) -m kpi.pgcluster --ensure

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .

# `ruff format` is the one code style: `make test` fails on code that is not formatted.
format-check: $(VENV)/.dev-installed
	$(PY) -m ruff format --check .

# Two workers (pytest-xdist); the tests of one file share a worker, so a file's session fixtures (the report
# builds, the crash test's big store, a browser file's server) are made once. (`--dist loadgroup` does not group
# with pytest 9.2: pytest-xdist issue 1386; the German and the English accessibility scans are two files instead.)
PYTEST_PARALLEL := -n 2 --dist loadfile

test: $(VENV)/.dev-installed chromium nginx postgres lint format-check
	$(PY) -m pytest -q $(PYTEST_PARALLEL)

# The quick check while working: no browser, no report build, no extra processes, DuckDB only (markers e2e, report,
# processes, pg); `make test` runs them all.
test-fast: $(VENV)/.dev-installed lint format-check
	$(PY) -m pytest -q $(PYTEST_PARALLEL) -m "not e2e and not report and not processes and not pg"

bench: $(VENV)/.dev-installed chromium
	$(PY) -m kpi bench
