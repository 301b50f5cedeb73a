# Two entry points: `make run` (the main job) and `make test` (the full suite).
# Both create .venv and install the project into it the first time.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# nbgrader's first database-creating run calls `alembic` by name: keep the venv's bin on PATH.
export PATH := $(abspath $(BIN)):$(PATH)

PYTEST_ARGS ?= -n 2 --dist loadfile
# Two test workers on two cores: one BLAS thread each, or OpenBLAS threads oversubscribe the
# cores and the notebooks' training cells run several times slower.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: install run test lint mutation generate check execute clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

## Regenerate the student release, execute every solution notebook, print a summary table.
run: $(STAMP)
	$(BIN)/course run

## Style (ruff: lint of lib, tests, benchmarks and the solution notebooks; format check of the .py files),
## then unit tests of lib, graded checks vs stubs and wrong answers, nbval over solutions/, release in sync.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg tests solutions

## Fix what ruff can fix by itself, and format the .py files.
lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Mutation testing of every graded check (mutmut, a few minutes; not part of make test).
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[mutation]"
	$(BIN)/course mutate --write-docs

generate: $(STAMP)
	$(BIN)/course generate

check: $(STAMP)
	$(BIN)/course check

execute: $(STAMP)
	$(BIN)/course execute

clean:
	rm -rf $(VENV) *.egg-info
