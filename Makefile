# The two everyday commands: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[server]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/crisisquiz

lint: $(VENV)/.installed-test
	$(BIN)/ruff check crisisquiz tests
	$(BIN)/ruff format --check crisisquiz tests

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy crisisquiz

# CRISISQUIZ_REQUIRE_POSTGRES: the PostgreSQL tests fail instead of skipping when no server
# can be started (CI runs `make test`, and also sets CI=true, which does the same).
pytest: $(VENV)/.installed-test
	CRISISQUIZ_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test: lint typecheck pytest

# The second command loads a PostgreSQL server on this machine with 200 pupils
# (tests/bench/server_bench.py); SERVER_BENCH_ARGS="--pupils 20 --seconds 10" for a quick run.
bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.run $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.exam_sim
	$(BIN)/python -m tests.bench.server_bench $(SERVER_BENCH_ARGS)

screenshots: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m crisisquiz.gui.screenshots assets/screenshots

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
