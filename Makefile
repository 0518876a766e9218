# Two commands: `make run` (app with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT := $(or $(STREAMLIT_SERVER_PORT),8501)

.PHONY: run test seed bench screenshots lint chromium

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

# A Chromium for the browser tests: the system's, else Debian's package, else Playwright's own build.
chromium: $(VENV)/.dev-installed
	@$(PY) -m kpi.browser --ensure

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .

test: $(VENV)/.dev-installed chromium lint
	$(PY) -m pytest -q

bench: $(VENV)/.dev-installed chromium
	$(PY) -m kpi bench
