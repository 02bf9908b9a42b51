"""The warnings that point a learner at a silent zero: one category, raised at the user's line.

Warned only where it is cheap and certain: a gradient that is 0.0 because nothing was recorded
between the input and the output, a compiled program with nothing to differentiate.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent.parent)  # autograd/


class GradientWarning(UserWarning):
    """A gradient is zero (or absent) for a reason that is almost certainly a mistake."""


def warn(message: str) -> None:
    """Warn with GradientWarning, pointing at the first frame outside autograd (the user's)."""
    frame, level = sys._getframe(1), 2  # level 1 is this function
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, GradientWarning, stacklevel=level)
