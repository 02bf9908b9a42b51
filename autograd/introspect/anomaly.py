"""Anomaly mode: remember where each node was made, and stop at the first nan/inf or domain error.

Off by default and free when off: `detect_anomaly()` installs this module's hooks as the mode's
watcher (`autograd.core.mode.Watcher`), and the core calls them only while one is installed. The
core never imports this module. NB: like PyTorch's, it is a debugging tool, not a training mode: the
nodes made inside the block are kept (with their source lines) until the block ends, because a
`Value` has no room for a line and no weak references.
"""

from __future__ import annotations

import linecache
import math
import os
import sys
from collections.abc import Iterable
from contextlib import ExitStack, suppress
from contextvars import ContextVar, Token
from functools import lru_cache
from typing import Any

from autograd.core import mode
from autograd.core.backward import local_partials
from autograd.core.identity import identity_key
from autograd.core.text import describe

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # autograd/


class AnomalyError(FloatingPointError):
    """A nan or inf appeared in anomaly mode; the message names the op, value, label and line."""

    __module__ = "autograd"  # shown in tracebacks, and pickled, by its public path


class detect_anomaly:  # noqa: N801 - a context manager used like a function, as in PyTorch
    """While on, nodes remember the source line that made them, and nan/inf raise at once.

    `with detect_anomaly() as spy: ...` also lets you ask `spy.where(node)`.
    """

    def __init__(self) -> None:
        # identity_key(node) -> (node, where it was made): strong, so cleared at the end
        self.lines: dict[Any, tuple[Any, Place]] = {}
        self._outer: detect_anomaly | None = None
        self._stack: ExitStack | None = None

    def __enter__(self) -> detect_anomaly:
        if self._stack is not None:
            raise RuntimeError("detect_anomaly: this context is already active")
        self._stack = ExitStack()
        self._outer = _active.get()
        self._stack.callback(_restore_active, _active.set(self))
        self._stack.enter_context(mode.switched(watcher=WATCHER))
        return self

    def __exit__(self, *exc: object) -> None:
        stack, self._stack = self._stack, None
        self.lines.clear()  # drop every node made inside: nothing is kept alive after the block
        self._outer = None
        if stack is not None:
            stack.close()

    def where(self, node: Any) -> str:
        """`file:line: source` where `node` was made inside this block (or an outer one), or ""."""
        context: detect_anomaly | None = self
        while context is not None:
            found = context.lines.get(identity_key(node))
            if found and found[0] is node:
                return _show(found[1])
            context = context._outer
        return ""


_active: ContextVar[detect_anomaly | None] = ContextVar("stepgrad_anomaly", default=None)


def _restore_active(token: Token) -> None:
    """Put back the block that was active when this one began, whatever ended in between."""
    # ValueError: begun in another context (a generator moved between threads); it changed
    # nothing in this one, so there is nothing here to put back.
    with suppress(ValueError):
        _active.reset(token)


Place = tuple[tuple[str, int], ...]  # (file, line) of the maker, then of its caller if any


def _caller() -> Place:
    """Where the code running now was called from, outside the autograd package.

    The first such frame, and, when that frame is inside a library package (`nn`, say), also
    the first frame outside that package: the user's own line, `model(x)`.
    """
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return ()
    found = [(frame.f_code.co_filename, frame.f_lineno)]
    home = os.path.dirname(frame.f_code.co_filename)
    if _is_package(home):
        while frame is not None and os.path.dirname(frame.f_code.co_filename) == home:
            frame = frame.f_back
        if frame is not None:
            found.append((frame.f_code.co_filename, frame.f_lineno))
    return tuple(found)


@lru_cache(maxsize=256)
def _is_package(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "__init__.py"))


def _show(place: Place) -> str:
    """`file:line: source`, then ` (called from file:line: source)` for a library's caller."""
    shown = []
    for filename, lineno in place:
        code = linecache.getline(filename, lineno).strip()
        shown.append(f"{filename}:{lineno}" + (f": {code}" if code else ""))
    return " (called from ".join(shown) + ")" * (len(shown) - 1)


def _here() -> str:
    return _show(_caller())


def _where(node: Any) -> str:
    context = _active.get()
    line = context.where(node) if context is not None else ""
    return line or "(made outside detect_anomaly)"


def _describe(node: Any) -> str:
    """`o = tanh(...) (label 'o', data 0.76)`: how anomaly errors name a node."""
    label = f"label {node.label!r}" if node.label else "no label"
    made = f"{node._fn.name}" if node._fn is not None else "leaf"
    return f"{made} node ({label}, data {node.data!r})"


def _name(node: Any) -> str:
    return node.label if node.label else f"(data {node.data!r})"


def _plain(x: Any) -> float:
    """A gradient's number: its `.data` when it is a Value (create_graph=True)."""
    return x.data if hasattr(x, "data") else x


def _finite(x: Any) -> bool:
    return math.isfinite(_plain(x))


def on_forward(out: Any) -> None:
    """Called for every node made while anomaly mode is on: note its line, check its value."""
    context = _active.get()
    found = _caller()
    if context is not None and found:
        context.lines[identity_key(out)] = (out, found)
    if not math.isfinite(out.data):
        shown = ", ".join(describe(p) for p in out.parents)
        raise AnomalyError(f"anomaly: {out._fn.name if out._fn else 'op'}({shown}) gave "
                           f"{out.data!r} in the forward pass, at {_here()}")


def on_backward_error(node: Any, error: ArithmeticError) -> ArithmeticError:
    """A derivative that cannot be computed (sqrt'(0)), with the line that made the node."""
    return type(error)(f"{error}; the node was made at {_where(node)}")


def on_domain_error(message: str) -> str:
    """Called with a domain error's message while anomaly mode is on; returns what to raise."""
    return f"{message}, at {_here()}"


def check_seed(root: Any, seed: Any) -> None:
    """A backward pass seeded with nan/inf is an anomaly at the root."""
    if not _finite(seed):
        raise AnomalyError(f"anomaly: backward seeded with {seed!r} at the root, "
                           f"{_describe(root)} made at {_where(root)}")


def check_step(node: Any, contributions: Iterable[tuple[Any, Any, Any]]) -> None:
    """(parent, added, parent's gradient so far) from one node's chain rule; raise on nan/inf."""
    for parent, added, total in contributions:
        if not _finite(added):
            raise AnomalyError(
                f"anomaly: the backward of {_describe(node)} gave its operand {_name(parent)} "
                f"a gradient of {_plain(added)!r}; the node was made at {_where(node)}")
        if not _finite(total):
            raise AnomalyError(
                f"anomaly: the gradient of {_describe(parent)} overflowed to {_plain(total)!r} "
                f"adding {_plain(added)!r} from {_describe(node)}, made at {_where(node)}")


def on_gradients(order: list, grads: dict) -> None:
    """Called after a backward pass computed `grads` in anomaly mode: find the first nan/inf.

    The first non-finite gradient in backward order has finite-gradient children only, so one
    of their chain rules (or the sum of them) made it: that child is blamed with its line.
    """
    for i in range(len(order) - 1, -1, -1):
        node = order[i]
        g = grads.get(identity_key(node))
        if g is None or _finite(g):
            continue
        if i == len(order) - 1:
            check_seed(node, g)
        children = [c for c in order[i + 1:] if any(p is node for p in c.parents)]
        for child in children:
            upstream = grads[identity_key(child)]
            parts = zip(child.parents, local_partials(child))
            check_step(child, [(p, local * upstream, local * upstream) for p, local in parts
                               if p is node])
        raise AnomalyError(f"anomaly: the gradient of {_describe(node)} overflowed to "
                           f"{_plain(g)!r} summing {len(children)} contributions; "
                           f"the node was made at {_where(node)}")


class _Watcher:
    """Anomaly mode as the engine's watcher: each hook is this module's function of that job.

    (Looked up when called, so a test may replace a module function and see it used.)
    """

    def on_forward(self, out: Any) -> None:
        on_forward(out)

    def on_domain_error(self, message: str) -> str:
        return on_domain_error(message)

    def on_backward_error(self, node: Any, error: ArithmeticError) -> ArithmeticError:
        return on_backward_error(node, error)

    def on_gradients(self, order: list, grads: dict) -> None:
        on_gradients(order, grads)

    def on_seed(self, root: Any, seed: Any) -> None:
        check_seed(root, seed)

    def on_step(self, node: Any, contributions: Iterable[tuple[Any, Any, Any]]) -> None:
        check_step(node, contributions)


WATCHER = _Watcher()
"""What `detect_anomaly` installs in the mode while it is on."""
