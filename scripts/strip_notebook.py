"""Git's clean filter for notebooks: what is committed has no outputs, whatever JupyterLab saved.

    git config filter.stepgrad-notebook.clean "python3 scripts/strip_notebook.py"

(`make test`, `make demo` and `make lab` set this up; `.gitattributes` applies it to
notebooks/*.ipynb). Reads a notebook on stdin and writes it on stdout with every output,
execution count and cell metadata removed, and the notebook's metadata cut to its kernelspec and
language, in nbformat's own layout (one-space indent, keys sorted), so a clean notebook passes
through unchanged. The working copy keeps its outputs: only what git stores is stripped.
Standard library only: git runs it with whatever python3 is on PATH.
"""

from __future__ import annotations

import json
import sys

KEPT_METADATA = ("kernelspec", "language_info")


def strip(notebook: dict) -> dict:
    """The notebook without outputs, execution counts, cell metadata or saved widget state."""
    for cell in notebook.get("cells", []):
        cell["metadata"] = {}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = notebook.get("metadata", {})
    notebook["metadata"] = {key: metadata[key] for key in KEPT_METADATA if key in metadata}
    if "language_info" in notebook["metadata"]:  # only the name: versions differ by machine
        notebook["metadata"]["language_info"] = {
            "name": notebook["metadata"]["language_info"].get("name", "python")}
    return notebook


def main() -> int:
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        notebook = json.loads(text)
    except ValueError:  # not JSON (a conflict, a half-written file): stored as it is
        sys.stdout.buffer.write(text.encode("utf-8"))
        return 0
    out = json.dumps(strip(notebook), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(out.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
