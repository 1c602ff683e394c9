# Context Desk: `make run` starts everything, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: venv catalogues run harness test scale-check fuzz lint fmt bench gadget clean

venv: $(VENV)/.installed

# Re-installs whenever the package metadata or its dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Context Desk needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test,dev]"
	touch $@

# The widget's translations: each gadget/translations/*/LC_MESSAGES/messages.po compiled to the
# .mo beside it, once here rather than in every web process (the .mo files are not committed).
catalogues: venv
	$(BIN)/python -c 'from server.widget.i18n import main; main()'

# Development, explicitly: demo accounts, the development keys and the mock Finesse (O4).
run: venv catalogues
	ENV=development $(BIN)/python -m server.runner

harness: venv catalogues
	ENV=development HARNESS=1 $(BIN)/python -m server.runner

test: venv catalogues
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Two web processes and two RQ workers on one PostgreSQL and one Redis, agents on both
# (docs/operations.md). SCALE_DATABASE_URL names a PostgreSQL database for the check alone:
# its public schema is dropped. SCALE_ARGS=--quick for a short run.
scale-check: venv catalogues
	$(BIN)/python deploy/scale_check.py $(SCALE_ARGS)

# schemathesis over the whole API for FUZZ_SECONDS (30 min by default); `make test` runs a
# short, deterministic round of the same. DATABASE_URL=postgresql://… fuzzes on PostgreSQL.
fuzz: venv
	FUZZ=long FUZZ_SECONDS=$${FUZZ_SECONDS:-1800} $(BIN)/python -m pytest -s \
		tests/hardening/test_O3_fuzz.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv
	$(BIN)/ruff format .

bench: venv
	@test -f bench/run.py || { echo "bench/run.py does not exist yet: no benchmarks to run" >&2; exit 1; }
	$(BIN)/python bench/run.py --quick

gadget: venv
	mkdir -p build
	$(BIN)/flask --app server gadget-xml > build/gadget.xml.tmp || { rm -f build/gadget.xml.tmp; exit 1; }
	mv build/gadget.xml.tmp build/gadget.xml
	@echo "wrote build/gadget.xml"

# Keeps .venv and instance/ (the local database and Redis data).
clean:
	rm -rf build .pytest_cache .ruff_cache *.egg-info test-artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
