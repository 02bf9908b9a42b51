"""Recording modes: `no_grad` and `enable_grad`.

The mode lives in a `ContextVar`, so switching it in one thread or asyncio task never leaks into
another. Every op reads it once; the default mode is a single shared object so that check is an
identity test.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol


class Watcher(Protocol):
    """What the engine tells a watcher installed in the mode (anomaly mode is one).

    The core calls these only while a watcher is installed, and imports no watcher: a watcher
    plugs itself in (`switched(watcher=...)`), as `detect_anomaly` does.
    """

    def on_forward(self, out: Any) -> None:
        """Every node made (recorded or not), right after its forward."""

    def on_domain_error(self, message: str) -> str:
        """A domain error about to be raised: returns the message to raise."""

    def on_backward_error(self, node: Any, error: ArithmeticError) -> ArithmeticError:
        """A local derivative that cannot be computed: returns the error to raise."""

    def on_gradients(self, order: list, grads: dict) -> None:
        """A backward pass's gradients, before anything is added to `.grad`."""

    def on_seed(self, root: Any, seed: Any) -> None:
        """The seed of a stepped pass (`backward_steps`)."""

    def on_step(self, node: Any, contributions: Iterable[tuple[Any, Any, Any]]) -> None:
        """One stepped chain rule: (parent, added, parent's gradient so far) per operand."""


@dataclass(frozen=True)
class Mode:
    """What ops do now: record their inputs (`grad`); tell a watcher of the engine (`watcher`)."""

    grad: bool = True
    watcher: Watcher | None = None  # one at a time: the innermost `switched` wins


DEFAULT = Mode()
_mode: ContextVar[Mode] = ContextVar("stepgrad_mode", default=DEFAULT)

get_mode = _mode.get


_entered: ContextVar[tuple[tuple[switched, Mode], ...]] = ContextVar("stepgrad_entered",
                                                                     default=())
"""The blocks entered in this context (thread, asyncio task) and not yet left, each with the
mode it found when it was entered: a block finds its own entry when it ends, whatever ran in
between, as a `contextvars` token would."""


class switched:  # noqa: N801 - used like a function: `with switched(grad=False):`
    """A block (or a decorated function) run with some fields of the mode changed.

    When a block ends it restores the mode that was current when *it* was entered, whatever ran
    in between (a generator leaving its own block, blocks ended out of order): each entry keeps
    what it found, per context (thread, asyncio task). Reusable and re-entrant. NB: one object
    entered by blocks that interleave (two generators sharing one `no_grad()` object) ends its
    entries last in, first out: give each such block its own `no_grad()`. It refuses to
    decorate generator and async functions, whose bodies run later, a step at a time: use
    `with no_grad():` inside them.
    """

    def __init__(self, **changes: Any) -> None:
        self.changes = changes

    def __enter__(self) -> None:
        current = _mode.get()
        wanted = Mode(**{**current.__dict__, **self.changes})
        _entered.set((*_entered.get(), (self, current)))
        _mode.set(DEFAULT if wanted == DEFAULT else wanted)

    def __exit__(self, *exc: object) -> None:
        entered = _entered.get()
        if entered and entered[-1][0] is self:  # the usual case: blocks end in order
            _entered.set(entered[:-1])
            _mode.set(entered[-1][1])
            return
        for k in range(len(entered) - 2, -1, -1):
            if entered[k][0] is self:
                _entered.set(entered[:k] + entered[k + 1:])
                _mode.set(entered[k][1])
                return
        # Entered in another context (a generator started in another thread, finished in this
        # one): it changed nothing here, so there is nothing here to restore.

    def __call__(self, func: Callable) -> Callable:
        if not callable(func):
            raise TypeError(f"{_name(self)}: expected a function to decorate, "
                            f"got {type(func).__name__}")
        if inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func) or \
                inspect.isasyncgenfunction(func):
            raise TypeError(
                f"{_name(self)}: cannot decorate {func.__qualname__}: it is a generator or async "
                "function, whose body runs after the call returns, so the mode would not apply; "
                f"write `with {_name(self)}():` inside its body instead")

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper


def _name(switch: switched) -> str:
    names = {(("grad", False),): "no_grad", (("grad", True),): "enable_grad"}
    return names.get(tuple(switch.changes.items()), "switched")


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
