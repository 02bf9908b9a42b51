"""mkdocs hooks (mkdocs.yml `hooks:`): the notebooks in notebooks/ become pages of the site.

Each notebook is shown as a page (its markdown cells as they are, its code cells as Python
blocks; they are stored without outputs) at `notebooks/<name>/`, and its `.ipynb` file is copied
beside it to download. Nothing is executed here: `tests/notebooks/` runs the notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.structure.files import File, Files

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def notebook_markdown(path: Path) -> str:
    """The notebook as a markdown page: its cells in order, with a line to download it."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    parts = []
    for cell in cells:
        source = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "code":
            parts.append(f"```python\n{source}\n```")
        else:
            parts.append(source)
    download = (f"A notebook, shown here without its outputs: download "
                f"[{path.name}]({path.name}) and run it in JupyterLab (`make lab`).")
    parts.insert(1, download)  # after the first cell: the title and what the notebook does
    return "\n\n".join(parts) + "\n"


def on_files(files: Files, config) -> Files:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        files.append(File.generated(config, f"notebooks/{path.stem}.md",
                                    content=notebook_markdown(path)))
        files.append(File.generated(config, f"notebooks/{path.name}", abs_src_path=str(path)))
    return files
