# `make test`, `make demo`, `make lab` and `make site` set up what they need themselves on a fresh
# clone, and only that: the demo needs Graphviz; the tests Graphviz, Chromium and Node (they build
# the browser pages); the notebooks JupyterLab; the site mkdocs (the `docs` extra) and Node.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demos
LAB_STAMP := $(VENV)/.installed-notebooks
DOCS_STAMP := $(VENV)/.installed-docs
PLAY_STAMP := $(VENV)/.installed-play
SITE := out/site

.PHONY: test demo lab lint bench clean site docs-site play serve git-filter

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz chromium node
	$(BIN)/python -m pip install --quiet -e '.[dev,demos,docs]'
	touch $@

$(DEMO_STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz
	$(BIN)/python -m pip install --quiet -e '.[demos]'
	touch $@

$(LAB_STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh graphviz
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@

$(DOCS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

$(PLAY_STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	bash scripts/system-deps.sh node
	$(BIN)/python -m pip install --quiet -e '.[viz]'
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

# The site in out/site: the documentation, then the browser pages beside it (out/site/play/).
# `docs-site` empties out/site first (mkdocs build cleans its folder), so it comes first here.
site: docs-site
	$(MAKE) play

docs-site: $(DOCS_STAMP)  # strict: a broken link, anchor or API reference fails the build
	NO_MKDOCS_2_WARNING=true $(BIN)/mkdocs build --strict --site-dir $(SITE)

play: $(PLAY_STAMP)  # the Tutor, Playground and Console, into out/site/play/
	$(BIN)/python scripts/build_play.py

serve: site  # on 127.0.0.1 only; the pages: http://127.0.0.1:8000/play/tutor.html
	$(BIN)/python -m http.server --bind 127.0.0.1 -d $(SITE) 8000

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_engine.py
	$(BIN)/python tests/benchmarks/bench_play.py  # a Playground step in Pyodide vs CPython

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
