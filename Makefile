# The two commands of the README: `make run` (everything, embedded) and `make test` (the whole suite).
VENV := .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run test bench

$(STAMP): pyproject.toml requirements.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/complaints dev

test: $(STAMP)
	$(VENV)/bin/pytest
