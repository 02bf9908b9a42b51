"""What counts as a number beside Values, and how it becomes a float: one rule everywhere."""

from __future__ import annotations

import math
import numbers
import reprlib

Number = int | float


def is_number(x: object) -> bool:
    """A real number and not a bool: what may stand beside Values in arithmetic.

    Any `numbers.Real` counts (int, float, numpy's float32 and int64, Fraction), on either side
    of an operator alike; it is converted with `float()`.
    """
    if isinstance(x, (int, float)):
        return not isinstance(x, bool)
    return isinstance(x, numbers.Real)  # numpy's bool_ is not a numbers.Real


def as_float(x: object, where: str) -> float:
    """`x` as a float if it is a number (see `is_number`); else a TypeError naming `where`."""
    if not is_number(x):
        raise TypeError(f"{where}: expected a real number (int, float, ...; not bool), got "
                        f"{type(x).__name__} ({reprlib.repr(x)})")
    try:
        return float(x)
    except OverflowError:  # an int beyond float range: +-inf, the IEEE policy
        return math.inf if x > 0 else -math.inf
