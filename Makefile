# Two commands do all set-up on a fresh machine:
#   make demo   create .venv, install, run the whole pipeline on the bundled sample
#   make test   create .venv, install, lint (ruff, import layers) and run the test suite
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.voxpop-installed

.PHONY: demo test lint install clean train-head sample browser

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

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

# Report tests open the HTML in headless Chromium (Debian package); installed here when running as root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-color-emoji >/dev/null; \
	  else echo "chromium not found: install it (e.g. sudo apt-get install chromium) or browser tests are skipped"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Retrain the shipped sentiment heads on real data (needs ../shared/data/sentiment and ../shared/data/umsab):
# the commercial-only head first (its figures go into the default card), then the default and the baseline.
# On 2 cores: about 25 minutes to embed 100,000 texts once (cached in ~/.cache/voxpop), then about 15 for
# the commercial head and 60 for the default (its LoRA adapter is most of it).
train-head: $(STAMP)
	$(BIN)/python -m nlp.training --commercial-only --no-adapter --out nlp/weights/commercial
	$(BIN)/python -m nlp.training --out nlp/weights

# Regenerate the bundled sample (deterministic).
sample:
	$(PYTHON) listeners/_sample/generate.py

clean:
	rm -rf $(VENV) voxpop-demo .pytest_cache .ruff_cache
