"""compat.micrograd is an adapter over autograd's public paths and nn, and nothing imports it
(docs/explanation/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = {"autograd", "autograd.viz", "autograd.ops", "autograd.testing"}


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_compat_uses_only_autograds_public_paths():
    for path in (ROOT / "autograd" / "compat").rglob("*.py"):
        ours = {m for m in imported(path) if m.startswith("autograd")}
        assert ours <= PUBLIC | {m for m in ours if m.startswith("autograd.compat")}, path


def test_nothing_outside_compat_imports_it():
    for package in ("autograd", "nn"):
        for path in (ROOT / package).rglob("*.py"):
            if "compat" not in path.parts:
                assert not any(m.startswith("autograd.compat") for m in imported(path)), path
