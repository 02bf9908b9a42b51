"""Reverse mode: the chain rule over a topological order, and the functional API built on it.

Each pass computes its gradients on its own and only then adds them to `.grad`. So calling
`backward()` twice exactly doubles every gradient, an error midway changes no `.grad`, and
`grad()` can return gradients without touching any `.grad` at all.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice
from typing import Any

from autograd import anomaly, mode
from autograd.graph import topological_order
from autograd.ops import FLOAT_MATH
from autograd.value import VALUE_MATH, Value, as_float, describe, is_number


def local_partials(node: Value, m: Any = FLOAT_MATH) -> tuple:
    """d(node)/d(parent) for each parent, from the op table's rule, in the namespace `m`.

    With `FLOAT_MATH` the partials are floats; with `VALUE_MATH` they are recorded Values.
    """
    op = node._op
    if op is None:
        raise ValueError(f"local_partials: {describe(node)} is a leaf: it has no op, no partials")
    if m is FLOAT_MATH:
        args = [p.data for p in node.parents]
        out = node.data
    else:
        args = list(node.parents)
        out = node
    if node._param is not None:
        args.append(node._param)
    try:
        return op.partials(m, *args, out)
    except ArithmeticError as error:  # e.g. sqrt'(0) = 0.5/0: the derivative is infinite there
        raise _not_finite(node, error) from None


def gradients(
    root: Value, seed: Any = 1.0, *, create_graph: bool = False, inputs: Sequence[Value] = ()
) -> tuple[list[Value], dict[Value, Any]]:
    """One backward pass from `root`: (topological order, {node: d(root)/d(node) * seed}).

    Touches no `.grad`. With `create_graph` the gradients are Values whose own graph can be
    differentiated again. With `inputs`, the walk stops at them (their ancestors are skipped).
    """
    _check_root(root, "gradients")
    stops = set(inputs)
    with _PASSES, _gc_paused():
        order = topological_order(root, stop_at=stops)
        # The inputs the walk reached come first in the order: they pass nothing on.
        cut = sum(1 for node in order[: len(stops)] if node in stops)
        if create_graph:
            with mode.enable_grad():
                grads = _recorded_pass(order, root, seed, cut)
        else:
            _float_pass(order, root, seed, cut)
            try:
                grads = {node: node._pass_grad for node in order}
            finally:
                _clear_pass(order)
    if mode.get_mode().anomaly:
        anomaly.on_gradients(order, grads)
    return order, grads


_PASSES = threading.RLock()
"""One float pass at a time: a pass keeps its running sums on the nodes (`_pass_grad`), and two
graphs can share nodes (one model, several losses). With the GIL, threads lose no speed here."""


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC for one pass, then restore it as it was.

    A pass makes no reference cycles, yet every allocation counts towards the GC's thresholds,
    and each full collection would walk the whole graph again: measured, a fifth of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _float_pass(order: list[Value], root: Value, seed: float, cut: int = 0) -> None:
    """The first-order pass on floats, leaving each node's gradient in its `_pass_grad`.

    The hot loop of training: `local_partials` inlined and unrolled by arity, and gradients
    kept in a slot rather than a dict (so callers hold `_PASSES`). The first `cut` nodes of the
    order pass nothing on to their parents.
    """
    math = FLOAT_MATH
    node = root
    root._pass_grad = seed
    try:
        for node in islice(reversed(order), len(order) - cut):
            op = node._op
            if op is None:
                continue
            upstream = node._pass_grad
            parents = node.parents
            if len(parents) == 2:
                a, b = parents
                da, db = op.partials(math, a.data, b.data, node.data)
                b._pass_grad += db * upstream  # the stepper adds in this same order (a * a)
                a._pass_grad += da * upstream
            else:
                (a,) = parents
                param = node._param
                if param is None:
                    (da,) = op.partials(math, a.data, node.data)
                else:
                    (da,) = op.partials(math, a.data, param, node.data)
                a._pass_grad += da * upstream
    except BaseException as error:
        _clear_pass(order)
        if isinstance(error, ArithmeticError):
            raise _not_finite(node, error) from None
        raise


def _clear_pass(order: list[Value]) -> None:
    """Put every node's scratch gradient back to 0.0 (its resting value)."""
    for node in order:
        node._pass_grad = 0.0


def _recorded_pass(order: list[Value], root: Value, seed: Any, cut: int = 0) -> dict:
    """The pass whose arithmetic is itself recorded, so gradients can be differentiated again."""
    grads: dict[Value, Any] = {root: seed}
    get = grads.get
    for node in islice(reversed(order), len(order) - cut):
        if node._op is None:
            continue
        upstream = grads[node]
        for parent, local in zip(node.parents, local_partials(node, VALUE_MATH)):
            before = get(parent)
            added = _times(local, upstream)
            grads[parent] = added if before is None else before + added
    return grads


def _not_finite(node: Value, error: ArithmeticError) -> ArithmeticError:
    """The error for a local derivative that cannot be computed: names the op and operands."""
    shown = ", ".join(describe(p) for p in node.parents)
    found = ZeroDivisionError(
        f"{node._op.name}({shown}): the derivative is not finite at this point ({error})"
    )
    return anomaly.on_backward_error(node, found) if mode.get_mode().anomaly else found


def _times(local: Any, upstream: Any) -> Any:
    """local * upstream, without recording a multiplication by exactly 1 or -1.

    Keeps the graph of a gradient as small as the math: drawings of it stay readable.
    """
    for one, other in ((local, upstream), (upstream, local)):
        if not isinstance(one, Value) and one in (1.0, -1.0):
            return other if one == 1.0 else -other
    return local * upstream


def backward(root: Value, grad: Any = 1.0, *, create_graph: bool = False) -> None:
    """Accumulate d(root)/d(node) * grad into the `.grad` of every node root depends on.

    NB: intermediate nodes keep their gradients too (PyTorch keeps only the leaves'), because
    learners inspect them.
    """
    _check_root(root, "backward")
    if isinstance(grad, Value):
        grad = grad if create_graph else grad.data
    else:
        grad = as_float(grad, "backward")
    if not create_graph and not mode.get_mode().anomaly:  # the fast path: no dict at all
        with _PASSES, _gc_paused():
            order = topological_order(root)
            _float_pass(order, root, grad)
            try:  # every sum first: if one fails (a .grad set to None), no .grad has changed
                totals = [node.grad + node._pass_grad for node in order]
            finally:
                _clear_pass(order)
        for node, total in zip(order, totals):
            node.grad = total
        return
    order, grads = gradients(root, grad, create_graph=create_graph)
    if not create_graph:
        for node in order:
            node.grad += grads[node]
        return
    fresh = _Fresh([*order, grad])  # the seed is the caller's: the root's grad is a copy
    with mode.enable_grad():
        for node in order:
            g = fresh(grads[node])
            before = node.grad
            # Adding to an exact 0.0 would record a useless `0 + g` node in the gradient's graph.
            node.grad = g if (isinstance(before, float) and before == 0.0) else before + g


class _Fresh:
    """Gradients as new Values: never a node of the forward graph, never one given out twice.

    A gradient can be an existing node (d(x*y)/dx is y itself); handing that node out as
    `x.grad` would alias it (labelling one would rename the other, and a Value whose grad is
    itself loops). So such a gradient becomes `+g`: a new node, equal, differentiable.
    """

    def __init__(self, forward: list[Value]) -> None:
        self.taken: set[Value] = set(forward)

    def __call__(self, g: Any) -> Value:
        if not isinstance(g, Value):
            return Value(g)
        if g in self.taken:
            g = +g
        self.taken.add(g)
        return g


def _check_root(root: object, where: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{where}: expected a Value, got {type(root).__name__}")


ArgNums = int | tuple[int, ...]
_nesting: ContextVar[int] = ContextVar("stepgrad_grad_nesting", default=0)


def value_and_grad(f: Callable[..., Value], argnums: ArgNums = 0) -> Callable[..., tuple]:
    """`f`'s value and its gradient with respect to the arguments at `argnums`, JAX-style.

    With plain numbers you get floats. If any argument is a Value you get Values that carry
    their graph, so `grad(grad(f))` is the second derivative. No `.grad` is touched.
    """
    positions = (argnums,) if isinstance(argnums, (int, float)) else tuple(argnums)
    if not positions or any(isinstance(i, bool) or not isinstance(i, int) for i in positions):
        raise TypeError(f"grad: argnums must be an int or a non-empty tuple, got {argnums!r}")

    def wrapped(*args: Any) -> tuple:
        for i in positions:
            if not -len(args) <= i < len(args):
                raise IndexError(f"grad: argnums {i} is out of range for {len(args)} arguments")
        # Values in, or called inside another grad's f (a closure may capture its Values):
        # then the gradient is a Value with a graph, so the caller can differentiate it.
        traced = _nesting.get() > 0 or any(isinstance(a, Value) for a in args)
        # Every number becomes a leaf, so f may call Value methods on any argument (as JAX
        # traces every argument); other objects (data, settings) pass through untouched.
        args = [Value(a) if is_number(a) else a for a in args]
        for i in positions:
            if not isinstance(args[i], Value):
                as_float(args[i], f"grad (argument {i})")  # raises: not differentiable
            elif traced:
                args[i] = +args[i]  # its own node: one partial per argument, even for f(x, x)
        token = _nesting.set(_nesting.get() + 1)
        try:
            with mode.enable_grad():
                out = f(*args)
        finally:
            _nesting.reset(token)
        if not isinstance(out, Value):
            raise TypeError(f"grad: f must return a Value, got {type(out).__name__}")
        wrt = [args[i] for i in positions]
        order, grads = gradients(out, 1.0, create_graph=traced, inputs=wrt)
        found = [grads.get(x, 0.0) for x in wrt]
        if traced:
            fresh = _Fresh(order)
            with mode.enable_grad():
                found = [fresh(g) for g in found]
            value: Any = out
        else:  # a float pass: the gradients are floats already
            value = out.data
        return value, (found[0] if isinstance(argnums, int) else tuple(found))

    return wrapped


def grad(f: Callable[..., Value], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The gradient of `f` with respect to the arguments at `argnums` (see `value_and_grad`)."""
    both = value_and_grad(f, argnums)
    return lambda *args: both(*args)[1]
