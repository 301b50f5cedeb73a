# Two entry points: `make run` (the main job) and `make test` (the full suite); `make help` lists all.
# Both create .venv and install the project with the instructor tools into it the first time.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# nbgrader's first database-creating run calls `alembic` by name: keep the venv's bin on PATH.
export PATH := $(abspath $(BIN)):$(PATH)

# loadscope keeps every notebook's cells (nbval: one scope per .ipynb) on one worker, like loadfile,
# and spreads a test file's classes over the workers (test_grade.py splits its slow gradings in two).
PYTEST_ARGS ?= -n 2 --dist loadscope
# Two test workers on two cores: one BLAS thread each, or OpenBLAS threads oversubscribe the
# cores and the notebooks' training cells run several times slower.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: help install run test test-lowest test-browser lint mutation generate check execute clean

## List the targets with what they do.
help:
	@awk '/^## /{doc = substr($$0, 4); next} /^[a-z-]+:/{if (doc) printf "  make %-14s %s\n", substr($$1, 1, length($$1) - 1), doc; doc = ""}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,instructor,test]"
	@touch $(STAMP)

## Create .venv with the course, the instructor tools (nbgrader, nbval) and the test tools.
install: $(STAMP)

## Regenerate the student release, execute every solution notebook, print a summary table.
run: $(STAMP)
	$(BIN)/course run

## The full suite: style (ruff), unit tests, checks vs stubs and mistakes, nbval, release in sync.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --ignore=tests/browser tests solutions

## The lowest versions pyproject.toml allows (uv's lowest-direct resolution, in .venv-lowest):
## the unit tests and one RL notebook, so the declared lower bounds stay true.
LOWEST := .venv-lowest
test-lowest:
	@test -x $(LOWEST)/bin/python || $(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet uv
	$(LOWEST)/bin/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e ".[lab,instructor,test]"
	$(TEST_ENV) $(LOWEST)/bin/python -m pytest $(PYTEST_ARGS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --ignore=tests/browser tests solutions/06_q_learning

## A student's first minutes in a real browser: a fresh .venv-browser holds only JupyterLab,
## Playwright and pytest; the notebook's own install cell installs the course into it (from this checkout, as a
## stand-in for Colab's git install), then JupyterLab runs in Debian's chromium (apt-installed
## when missing).
BROWSER_VENV := .venv-browser
test-browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@test -x $(BROWSER_VENV)/bin/python || $(PYTHON) -m venv $(BROWSER_VENV)
	$(BROWSER_VENV)/bin/python -m pip install --quiet "playwright==1.65.2" "pytest>=7.4" "jupyterlab>=4.0"
	$(BROWSER_VENV)/bin/python -m pytest -p no:cacheprovider --confcutdir=tests/browser -v tests/browser

## Fix what ruff can fix by itself, and format the .py files.
lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Mutation testing of every graded check (mutmut, a few minutes; not part of make test).
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[mutation]"
	$(BIN)/course mutate --write-docs

## Rebuild the student release assignments/ from solutions/.
generate: $(STAMP)
	$(BIN)/course generate

## Fail unless assignments/ is exactly what generate makes.
check: $(STAMP)
	$(BIN)/course check

## Re-run every solution notebook and store its outputs.
execute: $(STAMP)
	$(BIN)/course execute

## Remove .venv and build leftovers.
clean:
	rm -rf $(VENV) $(LOWEST) $(BROWSER_VENV) *.egg-info build
