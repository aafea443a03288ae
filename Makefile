# ORGraph: the two commands are `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DIR ?= data/demo
SERVE ?= 1
CONSTRAINTS := constraints.txt
LOCK_VENV := .lock-venv

.PHONY: demo test setup lint licences lock clean browser-deps

# Everything (.[dev]) at the versions the tests ran with: constraints.txt (`make lock`).
$(STAMP): pyproject.toml $(CONSTRAINTS)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/orgraph demo --out $(DEMO_DIR) $(if $(filter 0,$(SERVE)),--no-serve,)

lint: $(STAMP) licences
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Fails on a GPL/AGPL runtime dependency of orgraph[all] (test tools such as PM4Py excluded).
licences: $(STAMP)
	$(PY) scripts/check_licences.py --quiet

# Refresh constraints.txt: the newest versions pyproject's ranges allow, installed into a
# fresh venv, then frozen (orgraph itself left out). Run the tests after it, then commit.
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet '.[dev]'
	{ echo "# Versions of everything 'pip install .[dev]' installs, as tested: refresh with 'make lock'."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude orgraph --exclude pip; } > $(CONSTRAINTS)
	rm -rf $(LOCK_VENV)
	@echo "wrote $(CONSTRAINTS); now run make test and commit it"

test: $(STAMP) lint
	bash scripts/run-tests.sh

clean:
	rm -rf $(VENV) $(LOCK_VENV) data .pytest_cache
