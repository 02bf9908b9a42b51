"""How numbers and labels are written in every view: tables, steps, drawings, errors."""

from __future__ import annotations

import numbers
from typing import Any


def short(x: float) -> str:
    """A float in at most 6 significant digits that still reads as a float: 2.0, -0.707107."""
    text = f"{x:.6g}"
    return text if any(c in text for c in ".ein") else text + ".0"


def printable(text: str) -> str:
    """`text` as every view shows it: characters that cannot be shown on one line (newline, NUL,
    other control and format characters, lone surrogates) are written as Python escapes."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def describe(v: Any) -> str:
    """`label=data`, or just the data for an unlabelled node: how errors name an operand."""
    return f"{v.label}={v.data!r}" if v.label else repr(v.data)


def fmt(x: Any) -> str:
    """A number as steps and tables show it: 6 significant digits, floats keep a `.0`."""
    if isinstance(x, numbers.Real):
        return short(x)
    return f"Value({short(x.data)})"  # a gradient kept as a Value by create_graph=True


MAX_CELL = 60
"""A table cell, or an operand in a formula, shows at most this many characters of a name:
a longer one (only a label can be) is cut, ending in `…`. The full label stays on the node."""


def shorten(text: str, width: int = MAX_CELL) -> str:
    """`text` itself if it has at most `width` characters, else its start and `…`."""
    return text if len(text) <= width else text[:width - 1] + "…"
