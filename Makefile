# `make test`, `make demo` and `make lab` set up what they need themselves on a fresh clone,
# and only that: the demo needs Graphviz, the tests Graphviz, Chromium and Node (they build the
# browser pages), the notebooks JupyterLab, the browser pages (`make play`) Node.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demos
LAB_STAMP := $(VENV)/.installed-notebooks
PLAY_STAMP := $(VENV)/.installed-play

.PHONY: test demo lab lint bench clean play site serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz chromium node
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

$(PLAY_STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh node
	$(BIN)/python -m pip install --quiet -e '.[viz]'
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
	$(BIN)/python tests/benchmarks/bench_play.py  # a Playground step in Pyodide vs CPython

play: $(PLAY_STAMP)  # the Tutor, Playground and Console, into out/site/play/
	$(BIN)/python scripts/build_play.py

site: play

serve: site  # then open http://127.0.0.1:8000/play/tutor.html
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory out/site

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
