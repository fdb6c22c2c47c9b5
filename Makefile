# seedreader: the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-test
# What ruff looks at; mypy --strict looks at src/seedreader only (see [tool.mypy]).
LINTED := src tests benchmarks screenshots

.PHONY: run test check bench screenshots clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The test extra is a superset of what `run` needs (it brings pytest, ruff and mypy too);
# one stamp keeps re-runs fast.
$(STAMP): pyproject.toml $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/seedreader seeds/

# Each step runs even when an earlier one failed, so one run shows every problem; the summary
# names the steps that failed and the exit status is non-zero if any did.
check: $(STAMP)
	@failed=""; \
	step() { name="$$1"; shift; echo "== check: $$name"; \
		if "$$@"; then echo "== check: $$name: ok"; \
		else echo "== check: $$name: FAILED"; failed="$$failed\n  - $$name"; fi; }; \
	step "ruff check (lint)" $(VENV)/bin/ruff check --output-format concise $(LINTED); \
	step "ruff format --check (formatting)" $(VENV)/bin/ruff format --check $(LINTED); \
	step "mypy --strict src/seedreader (types)" $(VENV)/bin/mypy --strict src/seedreader; \
	step "import contract (tests/unit/test_import_contract.py)" \
		$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_import_contract.py; \
	if [ -n "$$failed" ]; then printf "make check FAILED in:$$failed\n"; exit 1; fi; \
	echo "make check: all clean"

test: check
	$(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(PY) benchmarks/run.py

screenshots: $(STAMP)
	$(PY) screenshots/make_screenshots.py

clean:
	rm -rf $(VENV) build src/*.egg-info
