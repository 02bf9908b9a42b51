"""What every pass shares: one at a time, the cyclic GC paused, and `.grad` stored whole.

A pass (`backward()`, a compiled step, the stepper's steps) computes every new `.grad` first and
stores them last, under `PASSES`, with `commit`: so an error or a Ctrl-C midway changes no
`.grad`, and two threads sharing nodes lose no contribution.
"""

from __future__ import annotations

import gc
import reprlib
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from autograd.core.scalar import is_number
from autograd.core.text import describe
from autograd.core.value import Value

PASSES = threading.RLock()
"""One pass at a time, and every write to `.grad` under it: a float pass marks the nodes it walks
and keeps its running sums on them (`_pass_grad`), and two graphs can share nodes (one model,
several losses), so a pass holds it from its first read of a `.grad` to its last write. The
stepper takes it for each step's writes. With the GIL, threads lose no speed here."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC for one pass, then restore it as it was.

    A pass makes no reference cycles, yet every allocation counts towards the GC's thresholds,
    and each full collection would walk the whole graph again: measured, a fifth of the time.
    """
    was_enabled = gc.isenabled()
    try:  # disabled inside the try: a Ctrl-C right after it still re-enables the GC
        gc.disable()
        yield
    finally:
        if was_enabled:
            gc.enable()


def whole(store: Callable[..., None], *args: Any) -> None:
    """Run `store(*args)` to its end even through Ctrl-C, then raise the KeyboardInterrupt.

    `store` writes values computed beforehand, so running it again from the start is harmless:
    an interrupt midway runs it again. Only a second interrupt landing within the few bytecodes
    where the first is caught can still cut it short.
    """
    interrupted = None
    while True:
        try:
            store(*args)
            break
        except KeyboardInterrupt as error:
            interrupted = error
    if interrupted is not None:
        raise interrupted


def commit(nodes: list[Value], totals: list[Any]) -> None:
    """Store each node's new .grad (computed beforehand), all of them even through Ctrl-C."""
    whole(_store_grads, nodes, totals)


def _store_grads(nodes: list[Value], totals: list[Any]) -> None:
    for node, total in zip(nodes, totals):
        node.grad = total


def unusable_grad(nodes: Iterable[Value], where: str) -> TypeError:
    """The error for a pass that cannot add to a `.grad` (a user set it to None, say): names it."""
    for node in nodes:
        before = node.grad
        if not (is_number(before) or isinstance(before, Value)):
            made = f"{node._fn.name} node" if node._fn is not None else "leaf"
            return TypeError(
                f"{where}: the .grad of the {made} {describe(node)} is {type(before).__name__} "
                f"({reprlib.repr(before)}), not a number or a Value, so the pass cannot add to "
                "it; set it to 0.0 (zero_grad() does). No .grad was changed")
    return TypeError(f"{where}: a .grad could not be added to")
