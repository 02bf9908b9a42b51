"""Recording modes: `no_grad` and `enable_grad`.

The mode lives in a `ContextVar`, so switching it in one thread or asyncio task never leaks into
another. Every op reads it once; the default mode is a single shared object so that check is an
identity test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mode:
    """What ops do now: record their inputs (`grad`); remember source lines (`anomaly`)."""

    grad: bool = True
    anomaly: bool = False


DEFAULT = Mode()
_mode: ContextVar[Mode] = ContextVar("stepgrad_mode", default=DEFAULT)

get_mode = _mode.get


@contextmanager
def switched(**changes: bool) -> Iterator[None]:
    """Run a block with some fields of the current mode changed; restored on exit."""
    current = _mode.get()
    wanted = Mode(**{**current.__dict__, **changes})
    token = _mode.set(DEFAULT if wanted == DEFAULT else wanted)
    try:
        yield
    finally:
        _mode.reset(token)


def no_grad(func: Callable | None = None) -> Any:
    """Within this block ops compute values but record no parents (nothing to backprop through).

    A context manager (`with no_grad():`) or a decorator (`@no_grad` or `@no_grad()`).
    """
    return switched(grad=False) if func is None else switched(grad=False)(func)


def enable_grad(func: Callable | None = None) -> Any:
    """Turn recording back on inside a `no_grad` block (a context manager or a decorator)."""
    return switched(grad=True) if func is None else switched(grad=True)(func)


def is_grad_enabled() -> bool:
    """True unless inside `no_grad`."""
    return _mode.get().grad
