"""Reading a notebook's cells and what they printed or displayed, by cell id."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["01-backprop-by-hand.ipynb", "02-step-through-backward.ipynb",
         "03-property-test-derivatives.ipynb", "04-train-a-network.ipynb",
         "05-check-your-own-engine.ipynb"]
TIMEOUT = 300  # seconds for one cell: generous, for a 2-core machine shared with other work


def committed(name: str) -> dict[str, Any]:
    """The notebook as git would commit it: its staged copy (the index), which git's clean
    filter has stripped (see scripts/strip_notebook.py), not the working copy JupyterLab saves
    into. Outside a git checkout (an unpacked archive) there is only the file."""
    root = NOTEBOOKS.parent
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root,
                            capture_output=True, text=True, check=False)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return stored(name)
    shown = subprocess.run(["git", "show", f":notebooks/{name}"], cwd=root, capture_output=True,
                           check=True)
    return json.loads(shown.stdout.decode("utf-8"))


def stored(name: str) -> dict[str, Any]:
    """The notebook as committed (plain JSON: needs no Jupyter package)."""
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def cell(notebook: Any, cell_id: str) -> Any:
    """The cell with this id (ids are stable names, e.g. "backward")."""
    found = [c for c in notebook["cells"] if c.get("id") == cell_id]
    assert len(found) == 1, f"no single cell with id {cell_id!r}"
    return found[0]


def printed(notebook: Any, cell_id: str) -> str:
    """What the cell printed to stdout."""
    return "".join(o["text"] for o in cell(notebook, cell_id)["outputs"]
                   if o["output_type"] == "stream" and o["name"] == "stdout")


def shown(notebook: Any, cell_id: str, mime: str = "text/plain") -> list[str]:
    """Every result and display of the cell in this MIME type, in order."""
    return [o["data"][mime] for o in cell(notebook, cell_id)["outputs"]
            if o["output_type"] in ("execute_result", "display_data") and mime in o["data"]]


def result(notebook: Any, cell_id: str, mime: str = "text/plain") -> str:
    """The value of the cell's last line, in this MIME type."""
    results = [o["data"][mime] for o in cell(notebook, cell_id)["outputs"]
               if o["output_type"] == "execute_result" and mime in o["data"]]
    assert len(results) == 1, f"cell {cell_id!r} has no {mime} result"
    return results[0]
