# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export FLASK_APP := webapp:create_app

.PHONY: run test install lint serve scheduler demo lock bundle install-offline

# Every dependency from the hash-pinned lock (requirements-dev.lock; `make lock` regenerates both locks after a
# change to pyproject.toml), then the app itself (editable; a pin missing from the lock is still installed, and
# tests/test_lock.py says to run `make lock`).
$(STAMP): pyproject.toml package.json requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
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

LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-header --quiet

lock: install
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements-dev.lock

# The offline bundle (docs/OPERATIONS.md): wheels with hashes, served front-end assets, app, migrations, BPMN.
bundle: install
	$(PY) deploy/bundle.py --out dist

# Install the newest bundle in dist/ into PREFIX without any package index (as on the intranet).
PREFIX ?= /opt/duban
install-offline:
	bundle=$$(ls -t dist/duban-*.tar.gz | head -1); dir=$$(mktemp -d); tar -xzf "$$bundle" -C "$$dir"; \
	"$$dir"/*/install.sh --prefix "$(PREFIX)"
