"""The committed notebooks are clean: valid, no outputs, no execution counts, stable cell ids."""

from __future__ import annotations

import re

import pytest
from needs import need_module
from notebook_helpers import NAMES, NOTEBOOKS, stored

PAGE = NOTEBOOKS.parent / "docs" / "notebooks" / "index.md"  # the site renders each one beside it


def test_the_folder_holds_exactly_the_notebooks():
    assert sorted(p.name for p in NOTEBOOKS.iterdir() if not p.name.startswith(".")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    notebook = stored(name)
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
