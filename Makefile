# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export FLASK_APP := webapp:create_app

.PHONY: run test install lint serve scheduler demo

$(STAMP): pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	npm install --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p instance
	$(VENV)/bin/flask db-upgrade
	$(VENV)/bin/flask load-demo --if-empty
	$(VENV)/bin/flask scheduler & SCHED=$$!; trap "kill $$SCHED" EXIT INT TERM; \
	$(VENV)/bin/flask run --host 127.0.0.1 --port 5000

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
