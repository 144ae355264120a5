# The two commands of the README: `make run` (everything, embedded) and `make test` (the whole suite).
VENV := .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint lock bench faults

# The development lock: the runtime lock (what the image installs) plus tests, the dev server, benchmarks and
# lint tools, every pin with its hashes (pip checks them).
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/complaints dev

# Two worker processes, each module whole on one (its fixtures, servers and clock stay its own); then, alone,
# the tests marked `serial` (processes killed and servers stopped on a clock, a hand-over raced by a flood of
# notes: decision 221). Together the whole suite, as before.
test: $(STAMP)
	$(VENV)/bin/pytest -n 2 --dist loadfile -m "not faults and not serial"
	$(VENV)/bin/pytest -m "serial and not faults"

# ruff's checks ([tool.ruff] in pyproject.toml); .ci/run runs this before the suite.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Both locks generated with hashes from pyproject.toml's pins (never written by hand): run after changing a pin.
# The development lock is constrained by the runtime lock, so tests run on exactly what the image installs.
lock:
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes --quiet \
		-c requirements.lock -o requirements-dev.lock

# The quick tier (tests/conftest.py TIERS): no Temporal server, browser, web stack, subprocess or PostgreSQL.
# About a minute; `make test` (what CI runs) is still the whole suite.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "unit and not faults"

# Benchmarks: ratios measured side by side in one run (bench/README.md). About ten minutes.
bench: $(STAMP)
	$(VENV)/bin/python -m bench.calendar
	$(VENV)/bin/python -m bench.update_latency 300
	$(VENV)/bin/python -m bench.throughput 100
	$(VENV)/bin/python -m bench.simulation 100 300 649
	$(VENV)/bin/python -m bench.memory 10000
	$(VENV)/bin/python -m bench.replan_fanout 10000  # a few minutes quiet; scale down with N
	$(VENV)/bin/python -m bench.case_list 100000  # PostgreSQL half needs apt-get install postgresql
	$(VENV)/bin/python -m bench.search 100000  # likewise

# Slow fault tests (kill -9 mid-activity, PostgreSQL stopped; marker `faults`), outside the ten-minute suite.
# The PostgreSQL one needs apt-get install postgresql (it skips, saying so, without it).
faults: $(STAMP)
	$(VENV)/bin/pytest -m faults -p no:cacheprovider
