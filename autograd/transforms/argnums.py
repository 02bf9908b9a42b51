"""Which arguments a transform differentiates: `argnums`, read one way by every transform.

`grad`, `value_and_grad`, `jacobian`, `hessian` and `compile` all call `normalize_argnums`:
negative positions count from the end of the arguments actually given, and two spellings of
one argument (`(0, -2)` with two arguments) are refused rather than silently aliased.
"""

from __future__ import annotations

import numbers
import reprlib


def normalize_argnums(argnums: object, nargs: int | None = None, *,
                      fn: str = "grad") -> tuple[int, ...]:
    """`argnums` as a tuple of argument positions, checked; errors name `fn`.

    It must be an int (any integer type but bool) or a non-empty tuple or list of them, else
    TypeError. Without `nargs` (when the transform is made) the positions come back as given,
    and only a position written twice is refused. With `nargs` (at each call) each must lie in
    `-nargs <= i < nargs` (else IndexError), comes back as `0 <= i < nargs`, and two that name
    the same argument are refused (ValueError naming both spellings).
    """
    items = argnums if isinstance(argnums, (tuple, list)) else (argnums,)
    if not items or not all(isinstance(i, numbers.Integral) and not isinstance(i, bool)
                            for i in items):
        raise TypeError(f"{fn}: argnums must be an int or a non-empty tuple of ints, got "
                        f"{type(argnums).__name__} ({reprlib.repr(argnums)})")
    given = [int(i) for i in items]
    if nargs is None:
        resolved = given
    else:
        for i in given:
            if not -nargs <= i < nargs:
                raise IndexError(f"{fn}: argnums {i} is out of range for {nargs} arguments")
        resolved = [i % nargs for i in given]
    first: dict[int, int] = {}  # argument -> the spelling that named it first
    for spelled, i in zip(given, resolved):
        if i in first:
            of = "" if nargs is None else f" of the {nargs} given"
            raise ValueError(f"{fn}: argnums names an argument twice: {first[i]} and {spelled} "
                             f"both name argument {i}{of} (argnums={reprlib.repr(argnums)})")
        first[i] = spelled
    return tuple(resolved)


def one_position(argnums: object) -> bool:
    """Whether `argnums` named one argument (an int), so one result is returned, not a tuple."""
    return not isinstance(argnums, (tuple, list))
