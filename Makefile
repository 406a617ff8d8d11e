# The two commands: `make demo` and `make test`. Each sets up everything it needs on a fresh
# Debian machine: system packages, the virtual environment and sever itself. Python packages are
# pinned by constraints.txt (pip freeze of the tested environment), so CI runs the versions we tested.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
SEVER := $(VENV)/bin/sever
DEMO_HOME ?= $(CURDIR)/.sever-demo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system demo test test-slow lint bench clean

setup: $(VENV)/.installed

# ICU headers for pyicu; a JVM for the Spark engine; a PostgreSQL server for the cases store's
# tests (they start a throwaway cluster of their own in a temporary folder); Pango for WeasyPrint's
# PDF case reports; Debian's Chromium for the web UI's browser tests (Playwright drives it).
system:
	@pkg-config --exists icu-uc 2>/dev/null && command -v java >/dev/null && \
	  { command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } && \
	  /sbin/ldconfig -p | grep -q libpangoft2-1.0 && command -v chromium >/dev/null || { \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends libicu-dev pkg-config g++ \
	    default-jre-headless postgresql \
	    libpango-1.0-0 libpangoft2-1.0-0 chromium; }

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory system
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev,spark]'
	touch $@

demo: setup
	$(SEVER) demo --home $(DEMO_HOME) --serve

test: setup
	$(PY) -m ruff check sever tests bench
	$(PY) -m pytest -n 2 --dist loadfile

test-slow: setup
	$(PY) -m pytest -n 2 --dist loadfile -m slow

lint: setup
	$(PY) -m ruff check sever tests bench
	$(PY) -m ruff format --check sever tests bench

# The quick benchmarks. The long ones are run by hand: simulate_bench.py --medium --large,
# monitor_eval.py WORLD and monitor_speed.py WORLD on a medium / 10M simulated world (README).
bench: setup
	$(PY) bench/lists_load.py
	$(PY) bench/simulate_bench.py
	$(PY) bench/screening_speed.py
	$(PY) bench/screening_eval.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .ruff_cache
