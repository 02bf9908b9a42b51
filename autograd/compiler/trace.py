"""Tracing for `autograd.compile`: arguments as input slots, and f's graph sorted into kinds.

Every number in the (nested) arguments is an input slot. `f` runs twice on fresh leaves made
from the same numbers: a node that is the same object in both runs existed outside `f` (a
captured Value, e.g. a model parameter) and is *live*, read afresh at every call; a leaf that
differs is a constant made inside `f`. The two graphs must agree node for node, else `f` is not
replayable (it draws random numbers, as a Dropout in training mode does, or keeps state). The
global `random` state is never read or set: a thread drawing from it meanwhile is unaffected.

A node f makes that its output does not depend on is kept too (after the output's graph), so
the program computes it and raises the domain errors f raises: the mode's watcher lists them.
"""

from __future__ import annotations

import inspect
import math
import reprlib
import struct
from collections import Counter
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_, is_not, or_
from typing import Any

from autograd.core import mode
from autograd.core.graph import depth_first, topological_order
from autograd.core.identity import identity_key
from autograd.core.scalar import is_number
from autograd.core.value import Value
from autograd.transforms import argtree
from autograd.transforms.argtree import Place, Spec, path_name, unflatten
from autograd.transforms.functional import nesting

SLOT, LIVE, CONST, OP = "slot", "live", "const", "op"
_OP_KIND = (OP,)
_A, _B, _FN = attrgetter("_a"), attrgetter("_b"), attrgetter("_fn")  # a node's slots
_tracing: ContextVar[bool] = ContextVar("autograd_tracing", default=False)


def is_tracing() -> bool:
    """True while `autograd.compile` runs f to trace it: a layer that would draw random numbers
    (a Dropout in training mode) can refuse, since the program would replay one draw forever."""
    return _tracing.get()


def flatten(args: tuple, names: Sequence[str] = (),
            places: list[Any] | None = None) -> tuple[list[float], Spec]:
    """The numbers in `args` (depth first, in order) and the structure they sit in.

    Raises TypeError naming the argument (by `names`, f's parameter names) that is not a number
    or a list/tuple of them; fills `places` with each number's place, `((1, 0), 1)` for
    `args[1][0][1]`, if given.
    """

    def number(item: Any, place: Place) -> float:
        if item.__class__ is float:
            return item
        if is_number(item):
            return _as_float(item)
        raise TypeError(f"compile: argument {path_name(place, names)} must be a number or a "
                        f"(nested) list or tuple of numbers, got {type(item).__name__} "
                        f"({reprlib.repr(item)})")

    return argtree.flatten(args, number, places=places, plain=float)


def _as_float(x: float) -> float:
    try:
        return float(x)
    except OverflowError:  # an int beyond float range: +-inf, as Value() does
        return math.inf if x > 0 else -math.inf


@dataclass
class Trace:
    """f's graph in topological order, each node with its kind, and what the program reads.

    `order[:reach]` is the output's graph, as `backward()` orders it (the output last); then
    come the nodes f made that the output does not depend on, and their other operands."""

    order: list[Value]
    kinds: list[tuple]  # per node: (SLOT, k) | (LIVE, j) | (CONST, x) | (OP,)
    parents: list[list[int]]  # per node: its operands' positions in `order`
    uses: list[int]  # per node: how many times it is an operand
    live: list[Value]  # captured Values, read at every call, in order
    slots: int  # how many input slots
    names: list[str]  # f's parameter names, for naming slots
    spec: Spec
    reach: int  # how many nodes the output depends on (itself included)
    firsts: list[int] | None = None  # per node: its first operand's position (-1: none), and
    seconds: list[int] | None = None  # its second's: `parents` as two flat lists


def parameter_names(f: Callable) -> list[str]:
    """f's positional parameter names (empty if it has no signature)."""
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def refuse_mode(where: str) -> None:
    """Raise if the current mode makes a compiled program mean something else than backward()."""
    current = mode.get_mode()
    if current.watcher is not None and current.watcher.__class__ is not _Recorder:
        # anomaly mode, or another watcher of the engine (a trace's own is not one)
        raise RuntimeError(f"{where}: anomaly mode records where each node was made and checks "
                           "every gradient, which a compiled program does not replay; call f "
                           "itself inside detect_anomaly()")
    if not current.grad:
        raise RuntimeError(f"{where}: inside no_grad nothing is recorded, so there is no graph "
                           "to compile or gradient to compute; call it outside no_grad")
    if nesting.get() > 0:
        raise RuntimeError(f"{where}: inside grad()/value_and_grad()'s f the gradients must be "
                           "recorded Values (create_graph), which a compiled program does not "
                           "make; call f itself there")


def run_f(f: Callable, spec: Spec, numbers: list[float]) -> tuple[Value, list[Value]]:
    """f's output on fresh leaves made from `numbers`, and those leaves (the dynamic engine)."""
    leaves = [Value(x) for x in numbers]
    out = f(*unflatten(spec, leaves))
    if not isinstance(out, Value):
        raise TypeError(f"compile: f must return a Value, got {type(out).__name__} "
                        f"({reprlib.repr(out)})")
    return out, leaves


class _Recorder:
    """The mode's watcher while f is traced: it lists every node f makes, unused ones too."""

    def __init__(self) -> None:
        self.made: list[Value] = []
        self.on_forward = self.made.append  # a C call per node: tracing stays fast

    def on_domain_error(self, message: str) -> str:
        return message

    def on_backward_error(self, node: Any, error: ArithmeticError) -> ArithmeticError:
        return error

    def on_gradients(self, order: list, grads: dict) -> None:
        pass

    def on_seed(self, root: Any, seed: Any) -> None:
        pass

    def on_step(self, node: Any, contributions: Any) -> None:
        pass


def _graph(f: Callable, spec: Spec, numbers: list[float],
           ) -> tuple[list[Value], dict[int, int], int, list[Value]]:
    """f's nodes on fresh leaves: the output's graph in topological order, then each node f
    made that the output does not depend on (after its operands); each node's position, by
    `id` (a Value subclass may define `==`); how many the output depends on; and the leaves."""
    recorder = _Recorder()
    with mode.switched(watcher=recorder):
        out, leaves = run_f(f, spec, numbers)
    order = topological_order(out)
    index = dict(zip(map(id, order), range(len(order))))
    reach = len(order)
    made = recorder.made
    unused = []
    if not all(map(index.__contains__, map(id, made))):  # most often every node is used
        unused = [node for node in made if node._fn is not None and id(node) not in index]
    if unused:
        order.extend(depth_first(unused, {identity_key(node) for node in order}))
        index.update((id(node), i) for i, node in enumerate(order) if i >= reach)
    return order, index, reach, leaves


def trace(f: Callable, spec: Spec, numbers: list[float]) -> Trace:
    """Run f twice on the same numbers and sort its nodes into slots, live, constants and ops."""
    refuse_mode("compile")
    token = _tracing.set(True)
    try:
        order1, index1, reach1, leaves1 = _graph(f, spec, numbers)
        order, index, reach, leaves = _graph(f, spec, numbers)
    finally:
        _tracing.reset(token)
    # Every map of nodes is keyed by id: the lists above keep the nodes alive meanwhile.
    slot1 = {id(leaf): k for k, leaf in enumerate(leaves1)}
    slot2 = {id(leaf): k for k, leaf in enumerate(leaves)}
    if len(order1) != len(order) or reach1 != reach:
        _differs(f"{reach1} nodes and {len(order1) - reach1} unused, then {reach} and "
                 f"{len(order) - reach}")
    # Each node's operands, read from its two slots (as backward() reads them): at C speed
    # but for the last step, since a graph can be large
    firsts = list(map(index.get, map(id, map(_A, order)), repeat(-1)))  # -1: no operand
    seconds = list(map(index.get, map(id, map(_B, order)), repeat(-1)))
    parents = [[] if a < 0 else [a] if b < 0 else [a, b] for a, b in zip(firsts, seconds)]
    # The same ops on the same operands in both runs: whole lists compared at once (an op is
    # compared by identity first); then only leaves, captured Values and parameters one by
    # one. Else every node one by one, to say where the runs differ.
    fns = list(map(_FN, order))
    same_ops = list(map(_FN, order1)) == fns and \
        list(map(index1.get, map(id, map(_A, order1)), repeat(-1))) == firsts and \
        list(map(index1.get, map(id, map(_B, order1)), repeat(-1))) == seconds
    if same_ops:
        kinds: list[tuple] = [_OP_KIND] * len(order)
        leaf_or_live = bytearray(map(or_, map(is_, order1, order), map(is_, fns, repeat(None))))
        for k, (leaf1, leaf) in enumerate(zip(leaves1, leaves)):  # input slots, as many as
            i = index.get(id(leaf))  # there are numbers: each at once
            if i is not None and order1[i] is leaf1:
                kinds[i] = (SLOT, k)
                leaf_or_live[i] = 0
        looked_at = list(compress(range(len(order)), leaf_or_live))
        with_param = compress(range(len(order)), map(is_not, [node._param for node in order],
                                                     repeat(None)))
        for i in with_param:
            param, n1 = order[i]._param, order1[i]
            if n1 is not order[i] and bits(n1._param) != bits(param):
                _differs(f"node {i} is {order[i]._fn.name} of nodes {parents[i]}, first "
                         f"{_what(n1, slot1, index1)}")
    else:
        kinds, looked_at = [], range(len(order))
    live: list[Value] = []
    for i in looked_at:
        n1, node = order1[i], order[i]
        kind = _kind(i, n1, node, slot1, slot2, index1, parents, live)
        if same_ops:
            kinds[i] = kind
        else:
            kinds.append(kind)
    uses = [0] * len(order)
    counted = Counter(firsts)  # at C speed: -1 counts the operands that are not there
    counted.update(seconds)
    for j, count in counted.items():
        if j >= 0:
            uses[j] = count
    return Trace(order, kinds, parents, uses, live, len(numbers), parameter_names(f), spec,
                 reach, firsts, seconds)


def _kind(i: int, n1: Value, node: Value, slot1: dict, slot2: dict, index1: dict,
          parents: list[list[int]], live: list[Value]) -> tuple:
    """Node i's kind from its twins in the two runs (a captured Value is added to `live`);
    raises if the runs differ there."""
    if n1 is node:
        live.append(node)
        return (LIVE, len(live) - 1)
    if id(node) in slot2:
        if slot1.get(id(n1)) != slot2[id(node)]:
            _differs(f"node {i} is input slot {slot2[id(node)]}, first {_what(n1, slot1)}")
        return (SLOT, slot2[id(node)])
    if node._fn is None:
        if n1._fn is not None or id(n1) in slot1 or bits(n1.data) != bits(node.data):
            _differs(f"node {i} is the constant {node.data!r}, first {_what(n1, slot1)}")
        return (CONST, node.data)
    param1, param = n1._param, node._param
    if not (n1._fn is node._fn and (param1 is param or bits(param1) == bits(param))
            and [index1[id(p)] for p in n1.parents] == parents[i]):
        _differs(f"node {i} is {node._fn.name} of nodes {parents[i]}, first "
                 f"{_what(n1, slot1, index1)}")
    return _OP_KIND


def bits(x: float | None) -> bytes | None:
    """A float's exact bits (None stays None): equal floats, -0.0 and NaNs told apart."""
    return None if x is None else struct.pack("<d", x)


def _what(node: Value, slots: dict, index: dict | None = None) -> str:
    if id(node) in slots:
        return f"input slot {slots[id(node)]}"
    if node._fn is None:
        return f"a leaf {node.data!r}"
    parents = [index[id(p)] for p in node.parents] if index else "?"
    return f"{node._fn.name} of nodes {parents}"


def _differs(detail: str) -> None:
    raise ValueError(
        "compile: f built two different graphs from the same arguments (" + detail + "), so one "
        "trace cannot stand for every call. f must be deterministic: it must not draw random "
        "numbers (pass them in as arguments; a Dropout in training mode draws a new mask each "
        "call: call model.eval(), or pass masks in) nor keep state between calls")
