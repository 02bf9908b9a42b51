"""Needing a program or a package in a test: FAIL under CI (it must be installed there), else skip.

Any test module can import it (pytest puts `tests/` on sys.path for the root conftest.py).
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # The player's sandboxed iframe in a process of its own receives, now and then,
                 # a click meant for its page just after the page scrolled (the browser routes it
                 # on hit-test data not yet updated): the Console's Run button after a player ran.
                 # In the page's own process the page's renderer finds the target itself. The
                 # sandbox (no same-origin access, the page's policy) is the same either way.
                 "--disable-features=IsolateSandboxedIframes"]


def need(program: str) -> str:
    """The program's path; if missing, FAIL under CI (it must be installed there), else skip."""
    found = shutil.which(program) or (program if Path(program).is_file() else None)
    if found is None:
        _missing(f"{program} is not installed (scripts/system-deps.sh installs it)")
    return found


def need_module(name: str) -> Any:
    """The imported module; if missing, FAIL under CI (it must be installed there), else skip."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"the Python package {name.split('.')[0]} is not installed "
                 f"(pip install -e '.[dev]')")


def _missing(message: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
