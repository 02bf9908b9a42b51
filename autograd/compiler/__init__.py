"""`autograd.compile`: trace f once, then run its forward and backward as straight-line Python.

`compile(f, *example_args)` traces f on the example numbers and generates one statement per
node forward (sums and products used once written inline) and one per chain-rule product
backward, in the order `backward()` computes them,
so values and gradients are equal bit for bit (a part of the backward that can only add zeros,
below a relu that is off, say, is skipped at run time: that changes no bit either). A
computation the graph repeats (a network on each sample) is written once, as two functions the
program calls per unit, in the same order (repeats.py, units.py). Captured Values (a model's
parameters) stay live: read at every call, their gradients added to `.grad`. `compiled.source`
is the program.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import itemgetter, ne
from typing import Any

from autograd.compiler.codegen import generate
from autograd.compiler.naming import escape, labelled, quoted
from autograd.compiler.program import Program, build
from autograd.compiler.trace import (
    LIVE,
    OP,
    SLOT,
    Spec,
    Trace,
    bits,
    flatten,
    is_tracing,
    parameter_names,
    refuse_mode,
    run_f,
    trace,
    unflatten,
)
from autograd.core.backward import gradients
from autograd.core.display import source_html
from autograd.core.identity import identity_key
from autograd.core.passes import PASSES, commit, gc_paused, unusable_grad
from autograd.core.warn import warn
from autograd.transforms.argnums import normalize_argnums, one_position
from autograd.transforms.argtree import argument_of

__all__ = ["CheckError", "Compiled", "compile", "is_tracing"]


class CheckError(AssertionError):
    """With `check=True`: the compiled program and the dynamic engine disagree at a node."""


class _Entry:
    """One traced structure: its trace, its program, and where each returned gradient goes."""

    def __init__(self, traced: Trace, program: Program, outputs: list[int], keep: bool) -> None:
        self.program, self.live, self.slots = program, traced.live, traced.slots
        position = {node: k for k, node in enumerate(outputs)}
        # where each captured Value's, and each input slot's, gradient is in the result
        # (with argnums only the slots' are returned: captured Values' .grad is not touched;
        # nor is a captured Value's that f's value does not depend on, as backward() does)
        kinds = [(i, traced.kinds[i]) for i in outputs]
        at = [(traced.live[kind[1]], position[i]) for i, kind in kinds if kind[0] == LIVE]
        self.owed = [value for value, _ in at]
        self.live_at = [k for _, k in at]
        self.slot_at = {kind[1]: position[i] for i, kind in kinds if kind[0] == SLOT}
        self.trace = traced if keep else None  # check=True compares node by node; else the
        # traced graph is dropped: the program needs only the captured Values


class Compiled:
    """f, traced and compiled: call it with numbers of the example arguments' structure."""

    def __init__(self, f: Callable, args: tuple, argnums: int | Sequence[int] | None,
                 check: bool) -> None:
        if not callable(f):
            raise TypeError(f"compile: f must be callable, got {type(f).__name__}")
        self.f, self.check = f, bool(check)
        self._argnums = argnums
        self._positions = None if argnums is None else normalize_argnums(argnums, fn="compile")
        self._programs: dict[Spec, _Entry] = {}
        self._names = parameter_names(f)
        places: list = []  # each number's place in the arguments, for naming input slots
        numbers, spec = flatten(args, self._names, places)
        self._first = self._entry(args, numbers, spec, places)
        if self._positions is None and not self._first.live:
            name = getattr(f, "__qualname__", type(f).__name__)
            warn(f"compile({name}): nothing to differentiate: no argnums was given and f "
                 f"reaches no Value made before compile (such as a model's parameters), so "
                 f"each call returns f's value only and no gradient goes anywhere. For the "
                 f"gradients of f's arguments pass argnums (e.g. argnums=0, or (0, 1)): calls "
                 f"then return (value, gradients), as value_and_grad does")

    @property
    def source(self) -> str:
        """The generated program for the example arguments' structure, as Python source."""
        return self._first.program.source

    def _repr_html_(self) -> str:
        """In Jupyter: the program's source, highlighted if pygments is installed."""
        return source_html(self.source)

    @property
    def traces(self) -> int:
        """How many argument structures have been traced (one program each)."""
        return len(self._programs)

    def _entry(self, args: tuple, numbers: list[float], spec: Spec, places: list) -> _Entry:
        with gc_paused():  # compiling makes no cycles; collections would walk the whole graph
            return self._compile(args, numbers, spec, places)

    def _compile(self, args: tuple, numbers: list[float], spec: Spec, places: list) -> _Entry:
        slots = None if self._positions is None else self._slots(args, places)  # checked first
        traced = trace(self.f, spec, numbers)
        self._names = traced.names
        reach = traced.reach  # the nodes after it are not f's value's: they have no gradient
        kinds = traced.kinds
        leaves = compress(range(reach), map(ne, kinds, repeat((OP,))))  # at C speed, lazily
        if self.check:
            outputs = list(range(reach))
        elif self._positions is None:
            outputs = [i for i in leaves if kinds[i][0] == LIVE]
        else:
            wanted = set(slots)
            outputs = [i for i in leaves if kinds[i][0] == SLOT and kinds[i][1] in wanted]
        code = generate(traced, outputs, places, every_value=self.check)
        program = build(code, _header(self.f, traced, self._positions))
        entry = _Entry(traced, program, outputs, keep=self.check)
        self._programs[spec] = entry
        return entry

    def _slots(self, args: tuple, places: list) -> list[int]:
        """The input slots of the arguments at `argnums`, in argnums order (`places`: each
        number's place, in order: the first of argument k is where argument k starts)."""
        starts = [bisect_left(places, k, key=argument_of) for k in range(len(args) + 1)]
        out: list[int] = []
        for i in normalize_argnums(self._positions, len(args), fn="compile"):
            out.extend(range(starts[i], starts[i + 1]))
        return out

    def __call__(self, *args: Any) -> Any:
        """f's value at `args`; with argnums also the gradients, else `.grad` updated."""
        refuse_mode("compiled f")
        numbers, spec = flatten(args, self._names)
        entry = self._programs.get(spec)
        if entry is None:
            places: list = []
            flatten(args, self._names, places)
            entry = self._entry(args, numbers, spec, places)
        try:
            result = entry.program.run(numbers, entry.live)
        except Exception as error:  # noqa: BLE001 - replayed below, for the engine's own error
            failed: Exception | None = error
        else:
            failed = None
        if failed is not None:
            _replay(self.f, spec, numbers, failed)
        value, grads = result[0], result[1]
        if self.check:
            _compare(self.f, spec, numbers, entry.trace, result[2], grads)
        if self._positions is None:
            # backward() adds each gradient to 0.0 first, then to .grad; all sums before any
            # assignment, so a failing one (a .grad set to None) changes no .grad
            owed = entry.owed
            with PASSES:  # as backward(): from reading each .grad to writing it
                try:
                    totals = [v.grad + (0.0 + grads[k]) for v, k in zip(owed, entry.live_at)]
                except TypeError:
                    raise unusable_grad(owed, "backward") from None
                commit(owed, totals)
            return value
        per_slot = [0.0] * entry.slots
        for slot, k in entry.slot_at.items():
            per_slot[slot] = 0.0 + grads[k]  # backward() adds each sum to 0.0
        structured = unflatten(spec, per_slot)
        found = tuple(structured[i] for i in self._positions)
        return value, (found[0] if one_position(self._argnums) else found)


def _header(f: Callable, traced: Trace, positions: tuple | None) -> list[str]:
    """The comment on top of the program; user text in it (f's name) escaped."""
    name = escape(getattr(f, "__qualname__", type(f).__name__), limit=80)
    reach = traced.reach
    kinds = Counter(map(itemgetter(0), traced.kinds[:reach]))  # at C speed: a graph is large
    ops, live = kinds[OP], kinds[LIVE]
    what = ("the gradients of arguments " + ", ".join(map(str, positions))
            if positions is not None else
            "the gradient of each captured Value (the caller adds it to .grad)")
    unused = traced.kinds[reach:].count((OP,))
    also = [f"Also computes the {unused} ops f made that its value does not depend on: f "
            "raises their errors too."] if unused else []
    return [
        f"autograd.compile({name}): {reach} nodes ({ops} ops), "
        f"{traced.slots} input slots, {live} captured Values.",
        f"Computes f's value, then by the chain rule {what}.",
        "Frozen when traced: f's control flow, the graph's shape and every constant made in f",
        "(numbers read from .data included). Captured Values are read afresh at every call.",
        *also,
    ]


def _replay(f: Callable, spec: Spec, numbers: list[float], error: Exception) -> None:
    """Run f and its backward pass on the dynamic engine: it raises the engine's own error."""
    out, _ = run_f(f, spec, numbers)
    gradients(out)  # touches no .grad
    raise RuntimeError(f"compile: the compiled program raised {error!r} where f on the dynamic "
                       "engine does not (f's graph has changed since it was traced?)") from error


def _same(x: float, y: float) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return type(x) is type(y) and bits(x) == bits(y)


def _compare(f: Callable, spec: Spec, numbers: list[float], traced: Trace,
             values: tuple, grads: tuple) -> None:
    """check=True: the dynamic engine's value and gradient at every node must equal ours."""
    out, _ = run_f(f, spec, numbers)
    order, dynamic = gradients(out)
    index = {id(node): i for i, node in enumerate(order)}  # by id: `==` may be a subclass's
    traced_order = traced.order[:traced.reach]  # the output's graph (then f's unused nodes)
    was_index = {id(node): i for i, node in enumerate(traced_order)}
    if len(order) != len(traced_order):
        raise CheckError(f"compile(check=True): f's graph now has {len(order)} nodes, the traced "
                         f"one {len(traced_order)}: its structure changed")
    for i, (node, was) in enumerate(zip(order, traced_order)):
        if node._fn is not was._fn or [index[id(p)] for p in node.parents] != \
                [was_index[id(p)] for p in was.parents]:
            raise CheckError(f"compile(check=True): node {i} ({_name(node, i)}) is no longer "
                             "the op it was when traced: f's structure changed")
        if not _same(values[i], node.data):
            raise CheckError(f"compile(check=True): node {i} ({_name(node, i)}) has value "
                             f"{values[i]!r} compiled, {node.data!r} on the dynamic engine")
    for i, node in enumerate(order):
        ours = 0.0 + grads[i]
        theirs = dynamic[identity_key(node)]
        if not _same(ours, theirs):
            raise CheckError(f"compile(check=True): node {i} ({_name(node, i)}) has gradient "
                             f"{ours!r} compiled, {theirs!r} on the dynamic engine")


def _name(node: Any, i: int) -> str:
    """How check=True's errors name node i: its label (whatever was set as one) and op."""
    what = escape(node._fn.name) if node._fn is not None else "leaf"
    return f"{quoted(node.label)}, {what}" if labelled(node.label) else f"node{i}, {what}"


def compile(f: Callable, *example_args: Any, argnums: int | Sequence[int] | None = None,
            check: bool = False) -> Compiled:  # noqa: A001 - the name users ask for
    """Trace `f` on `example_args` and compile its forward and backward to straight-line Python.

    `compiled(*args)` returns f's value and adds the gradients to captured Values' `.grad`, as
    `f(*args).backward()` does; with `argnums` it returns `(value, gradients)` as
    `value_and_grad(f, argnums)` does, touching no `.grad`.
    """
    return Compiled(f, example_args, argnums, check)
