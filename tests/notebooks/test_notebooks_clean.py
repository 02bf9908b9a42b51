"""The committed notebooks are clean: valid, no outputs, no execution counts, stable cell ids.

"Committed" is what git stores: running a notebook in `make lab` saves its outputs into the
working copy, and git's clean filter (scripts/strip_notebook.py, installed by make) strips them
on the way into the index. So these tests read the index, and test the filter end to end.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from needs import need, need_module
from notebook_helpers import NAMES, NOTEBOOKS, committed, stored

ROOT = NOTEBOOKS.parent
PAGE = NOTEBOOKS.parent / "docs" / "notebooks" / "index.md"  # the site renders each one beside it


def test_the_folder_holds_exactly_the_notebooks():
    assert sorted(p.name for p in NOTEBOOKS.iterdir() if not p.name.startswith(".")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    notebook = committed(name)
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook with no code"
    dirty = [c["id"] for c in code if c["outputs"] or c["execution_count"] is not None]
    assert dirty == [], f"{name}: clear the outputs of cells {dirty} before committing"
    assert all(c["metadata"] == {} for c in notebook["cells"]), "cell metadata (e.g. collapsed)"
    extra = set(notebook["metadata"]) - {"kernelspec", "language_info"}
    assert not extra, f"{name}: notebook metadata {sorted(extra)} (e.g. saved widget state)"
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_valid_with_unique_ids_and_a_title(name):
    nbformat = need_module("nbformat")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    ids = [c.id for c in notebook.cells]
    assert len(set(ids)) == len(ids)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")


def test_the_docs_list_every_notebook_with_its_title_page_and_file():
    section = PAGE.read_text()
    for name in NAMES:
        title = stored(name)["cells"][0]["source"]
        title = (title if isinstance(title, str) else "".join(title)).splitlines()[0][2:]
        page, file = re.escape(name.replace(".ipynb", ".md")), re.escape(name)
        assert re.search(rf"\[{re.escape(title)}\]\({page}\) \(\[{file}\]\({file}\)\)",
                         section), name


def dirty(name: str) -> dict:
    """The notebook as JupyterLab saves it after a run: outputs, counts, widget state."""
    notebook = stored(name)
    for k, cell in enumerate(notebook["cells"]):
        cell["metadata"] = {"collapsed": False}
        if cell["cell_type"] == "code":
            cell["execution_count"] = k
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}]
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    notebook["metadata"]["language_info"]["version"] = "3.11.2"
    return notebook


@pytest.mark.parametrize("name", NAMES)
def test_the_filter_strips_a_run_notebook_to_the_committed_bytes(name):
    run = json.dumps(dirty(name), indent=1)
    done = subprocess.run([sys.executable, str(ROOT / "scripts/strip_notebook.py")],
                          input=run.encode(), capture_output=True, check=True)
    assert done.stdout == (NOTEBOOKS / name).read_bytes()  # the clean file, byte for byte


def test_git_commits_a_run_notebook_clean_and_keeps_the_outputs_on_disk(tmp_path):
    """In a repository set up as make sets one up: `git add` of a notebook JupyterLab saved."""
    git = need("git")
    subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True)
    for line in planned_filter():  # the very commands the Makefile runs, in this repository
        subprocess.run(line, shell=True, cwd=tmp_path, check=True)
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts/strip_notebook.py", tmp_path / "scripts")
    shutil.copy(ROOT / ".gitattributes", tmp_path)
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / NAMES[0]
    path.write_text(json.dumps(dirty(NAMES[0]), indent=1))
    subprocess.run([git, "add", "."], cwd=tmp_path, check=True)
    staged = subprocess.run([git, "show", f":notebooks/{NAMES[0]}"], cwd=tmp_path,
                            capture_output=True, check=True).stdout
    assert staged == (NOTEBOOKS / NAMES[0]).read_bytes()
    assert '"hi\\n"' in path.read_text()  # the working copy keeps what the run saved
    status = subprocess.run([git, "status", "--porcelain"], cwd=tmp_path, capture_output=True,
                            text=True, check=True).stdout
    assert f"A  notebooks/{NAMES[0]}" in status.splitlines()  # staged clean, nothing unstaged


def planned_filter() -> list[str]:
    """The git config commands `make test` runs (make -n: printed, not run)."""
    done = subprocess.run([need("make"), "-n", "git-filter"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return [line.strip().rstrip(";\\").strip() for line in done.stdout.splitlines()
            if line.strip().startswith("git config")]


def test_make_installs_the_filter_for_test_demo_and_lab():
    for target in ("test", "demo", "lab"):
        done = subprocess.run([need("make"), "-n", "-B", target, "VENV=/nonexistent/venv"],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        assert 'git config filter.stepgrad-notebook.clean "python3 scripts/strip_notebook.py"' \
            in done.stdout, target
    attributes = (ROOT / ".gitattributes").read_text()
    assert "notebooks/*.ipynb filter=stepgrad-notebook" in attributes.splitlines()
