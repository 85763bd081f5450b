# Two commands do all set-up on a fresh machine:
#   make demo   create .venv, install, run the whole pipeline on the bundled sample
#   make test   create .venv, install, lint and run the test suite
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.voxpop-installed

.PHONY: demo test lint install clean train-head sample

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	# torch first, pinned: 2.13.0 is the CPU build on local disk; anything else may pull a multi-GB CUDA build
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/voxpop demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Retrain the shipped sentiment head (needs ../shared/data/umsab; about 6 minutes on 2 cores).
train-head: $(STAMP)
	$(BIN)/python -m nlp.training --umsab ../shared/data/umsab --out nlp/weights

# Regenerate the bundled sample (deterministic).
sample:
	$(PYTHON) listeners/_sample/generate.py

clean:
	rm -rf $(VENV) voxpop-demo .pytest_cache .ruff_cache
