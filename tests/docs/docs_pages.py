"""The documentation's pages and their code blocks, as the docs tests read them.

The convention (every page of docs/ and README.md): each fenced block whose info string is
`python` runs; a page's blocks run in order in one fresh namespace, with the working directory a
fresh temporary folder; a block whose first non-blank line starts with `>>>` is a doctest, run
in that same namespace. Blocks with any other info string (`text`, `console`, `sh`, ...) are not
run, and there is no skip marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

# Info strings that mean Python but would not run: refused, so no Python block goes untested.
NOT_RUN_PYTHON = {"py", "py3", "python3", "pycon", "ipython", "pytb"}

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced block: its language (the info string's first word), code and first code line."""

    language: str
    code: str
    line: int  # 1-based line number of the block's first code line in the page

    @property
    def is_doctest(self) -> bool:
        first = next((s for s in self.code.splitlines() if s.strip()), "")
        return first.lstrip().startswith(">>>")


def pages() -> list[Path]:
    """README.md, then every docs/**/*.md page, in a stable order."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def page_id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def blocks(text: str) -> list[Block]:
    """Every fenced block of a markdown page, indented ones (in admonitions, tabs) included."""
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        info = opening["info"].strip()
        language = re.split(r"[\s{]", info, maxsplit=1)[0].lstrip(".") if info else ""
        body = []
        j = i + 1
        while j < len(lines):
            closing = _FENCE.match(lines[j])
            if (closing and closing["fence"][0] == fence[0]
                    and len(closing["fence"]) >= len(fence) and not closing["info"].strip()):
                break
            line = lines[j]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        found.append(Block(language, "\n".join(body) + "\n", i + 2))
        i = j + 1
    return found
