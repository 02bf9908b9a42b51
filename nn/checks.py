"""Argument checks every layer, loss and optimizer shares: counts, bounded numbers, and how a
bad value is shown in the error (short, and never a wrong value)."""

from __future__ import annotations

import math
import reprlib


def check_count(
    n: object, what: str, where: str, *, type_error: type[Exception] = TypeError
) -> int:
    """`n` if it is a positive int (not a bool), else a `type_error`/ValueError saying so."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise type_error(f"{where}: {what} must be a positive int, "
                         f"got {type(n).__name__} ({shown(n)})")
    if n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n}")
    return n


def check_number(
    x: object, what: str, where: str, low: float | None = None, high: float | None = None, *,
    above: float | None = None, below: float | None = None,
    type_error: type[Exception] = TypeError,
) -> float:
    """`x` as a float if it is a number (not a bool) in the bounds given, else an error saying so.

    `low`/`high` are closed bounds, `above`/`below` open ones (give at most one per side); NaN
    fails any bound. A non-number raises `type_error` (ValueError where that was always the public
    behaviour), a number out of bounds ValueError. An int too big for a float counts as +-inf.
    """
    bounds = _bounds(low, high, above, below)
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise type_error(f"{where}: {what} must be a number{bounds}, "
                         f"got {type(x).__name__} ({shown(x)})")
    try:
        value = float(x)
    except OverflowError:
        value = math.inf if x > 0 else -math.inf
    inside = ((low is None or value >= low) and (above is None or value > above)
              and (high is None or value <= high) and (below is None or value < below))
    if not inside:
        raise ValueError(f"{where}: {what} must be a number{bounds}, got {shown(x)}")
    return value


def _bounds(low: float | None, high: float | None, above: float | None,
            below: float | None) -> str:
    """The bounds as message text: ' in [0, 1)', ' >= 0', ' < 1', or '' for none."""
    start = ("[", low) if low is not None else ("(", above) if above is not None else None
    end = ("]", high) if high is not None else (")", below) if below is not None else None
    if start and end:
        return f" in {start[0]}{start[1]:g}, {end[1]:g}{end[0]}"
    if start:
        return f" {'>=' if start[0] == '[' else '>'} {start[1]:g}"
    if end:
        return f" {'<=' if end[0] == ']' else '<'} {end[1]:g}"
    return ""


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40


def shown(x: object) -> str:
    """`x` for an error message: short, and never a wrong value (a cut repr of 10**400 would be).

    A long int is described by its digit count; anything else is reprlib's shortened repr, whose
    `...` marks what was left out.
    """
    if isinstance(x, int) and not isinstance(x, bool):
        size = abs(x)
        digits = int(size.bit_length() * math.log10(2)) + 1  # str() of a huge int is refused
        if digits > 1 and size < 10 ** (digits - 1):
            digits -= 1
        if digits > 20:
            return f"{'a negative' if x < 0 else 'an'} int with {digits:,} digits"
        return repr(x)
    return _SHORT.repr(x)
