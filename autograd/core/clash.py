"""The import name `autograd` is also HIPS autograd's (the PyPI distribution `autograd`).

Both install a top-level package `autograd`: pip allows it, and then whichever Python finds
first hides the other (or their files mix). So importing stepgrad's refuses, with the fix, when
a distribution named `autograd` is installed on sys.path. Cheap: one directory listing per
sys.path entry, no importlib.metadata (which costs more than importing autograd itself).
"""

from __future__ import annotations

import os
import sys

FIX = ("pip uninstall autograd, then reinstall stepgrad (in your clone: pip install -e .), or "
       "keep HIPS autograd in a virtual environment of its own")


def other_distribution() -> tuple[str, str] | None:
    """(`autograd <version>`, its metadata folder) if a distribution named autograd is there."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a missing folder
            continue
        for name in names:
            lower = name.lower()
            if lower.startswith("autograd-") and lower.endswith((".dist-info", ".egg-info")):
                where = os.path.join(entry or ".", name)
                return f"autograd {_version(where)}", where
    return None


def _version(folder: str) -> str:
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file), encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("Version:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():  # the headers end at the first blank line
                        break
        except OSError:
            continue
    return "(version unknown)"


def refuse_clash() -> None:
    """ImportError naming the other distribution and the fix, if one named autograd is there."""
    found = other_distribution()
    if found is not None:
        other, where = found
        raise ImportError(
            f"stepgrad's `autograd` package and the PyPI distribution {other} (HIPS autograd, "
            f"{where}) are both installed, and both are imported as `autograd`: whichever "
            f"Python finds first hides the other. Fix: {FIX}")
