# `make test`, `make demo` and `make lab` set up what they need themselves on a fresh clone,
# and only that: the demo needs Graphviz, the tests Graphviz and Chromium, the notebooks JupyterLab.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demos
LAB_STAMP := $(VENV)/.installed-notebooks

.PHONY: test demo lab lint bench clean git-filter

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz chromium
	$(BIN)/python -m pip install --quiet -e '.[dev,demos]'
	touch $@

$(DEMO_STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz
	$(BIN)/python -m pip install --quiet -e '.[demos]'
	touch $@

$(LAB_STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@

# Git's clean filter for notebooks/*.ipynb (.gitattributes): what you commit has no outputs,
# while the notebooks in your working copy keep what JupyterLab saved. Skipped outside git.
git-filter:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    git config filter.stepgrad-notebook.clean "python3 scripts/strip_notebook.py"; \
	    git config filter.stepgrad-notebook.smudge cat; \
	fi

test: $(STAMP) git-filter
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

demo: $(DEMO_STAMP) git-filter
	$(BIN)/python demos/moons.py

# Blocks until you stop it (Ctrl-C twice); JupyterLab autosaves the notebooks you run, outputs
# included, into notebooks/ (the git filter keeps them out of commits). LAB_ARGS go to
# JupyterLab: make lab LAB_ARGS="--port=8899 --IdentityProvider.token=mysecret"
lab: $(LAB_STAMP) git-filter  # on 127.0.0.1 (JupyterLab's default); as root only if you are root
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(LAB_ARGS) \
	    $$([ "$$(id -u)" -eq 0 ] && echo --allow-root)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
