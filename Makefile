# `make test`, `make demo` and `make lab` set up what they need themselves on a fresh clone,
# and only that: the demo needs Graphviz, the tests Graphviz and Chromium, the notebooks JupyterLab.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demos
LAB_STAMP := $(VENV)/.installed-notebooks

.PHONY: test demo lab lint bench clean

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

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

demo: $(DEMO_STAMP)
	$(BIN)/python demos/moons.py

lab: $(LAB_STAMP)  # on 127.0.0.1 (JupyterLab's default); as root only if you are root
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(LAB_ARGS) \
	    $$([ "$$(id -u)" -eq 0 ] && echo --allow-root)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
