"""J1 and J2: a Jacobian with 2 inputs and many outputs, and one with many inputs and 2 outputs.

Reverse mode (`jacobian(mode="rev")`) costs one backward pass per output, forward mode
(`mode="fwd"`) one forward pass per input, so each mode should win one of the two shapes.
Both modes are checked to agree to rel 1e-12 before timing. Imported by `bench_engine.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from autograd import jacobian


def two_in(n_out: int) -> Callable[[list], list]:
    """R^2 -> R^n_out: a shared trunk (n_out rotations through tanh), then out_i = tanh(c_i a + b).

    Every output depends on the whole trunk, as in most real functions: so each of reverse
    mode's passes walks it again, while forward mode walks it once per input.
    """
    def f(xs: list) -> list:
        a, b = xs
        for _ in range(n_out):
            a, b = (a * 0.9 + b * 0.4).tanh(), (b * 0.9 - a * 0.4).tanh()
        return [(a * (0.01 * (i + 1)) + b).tanh() for i in range(n_out)]
    return f


def two_out(n_in: int) -> Callable[[list], list]:
    """R^n_in -> R^2: a sum of tanh(c_i x_i) and a sum of neighbouring products, left folds."""
    def f(xs: list) -> list:
        first, second = xs[0] * 0.0, xs[0] * 0.0
        for i in range(n_in):
            first = first + (xs[i] * (0.01 * (i + 1))).tanh()
            second = second + xs[i] * xs[(i + 1) % n_in]
        return [first, second]
    return f


def cases(n: int) -> list[tuple[str, Callable, list]]:
    return [(f"J1 Jacobian 2 -> {n}", two_in(n), [0.3, -0.7]),
            (f"J2 Jacobian {n} -> 2", two_out(n), [0.01 * (j + 1) - 0.5 for j in range(n)])]


def check_modes_agree(f: Callable, point: list) -> None:
    rev, fwd = jacobian(f)(point), jacobian(f, mode="fwd")(point)
    for row_r, row_f in zip(rev, fwd, strict=True):
        for r, w in zip(row_r, row_f, strict=True):
            if not math.isclose(r, w, rel_tol=1e-12, abs_tol=1e-15):
                raise AssertionError(f"jacobian modes disagree: rev {r!r} != fwd {w!r}")


def work(f: Callable, point: list, mode: str) -> Callable[[], tuple]:
    """One repetition for bench_engine's `timed`: (the Jacobian, a no-op check)."""
    return lambda: (jacobian(f, mode=mode)(point), lambda: None)
