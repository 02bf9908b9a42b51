"""Reverse mode: the chain rule over a topological order, and the functional API built on it.

Each pass computes its gradients on its own (in a dict keyed by node) and only then adds them to
`.grad`. So calling `backward()` twice exactly doubles every gradient, and `grad()` can return
gradients without touching any `.grad` at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import anomaly, mode
from autograd.graph import topological_order
from autograd.ops import FLOAT_MATH
from autograd.value import VALUE_MATH, Value, as_float, describe


def local_partials(node: Value, m: Any = FLOAT_MATH) -> tuple:
    """d(node)/d(parent) for each parent, from the op table's rule, in the namespace `m`.

    With `FLOAT_MATH` the partials are floats; with `VALUE_MATH` they are recorded Values.
    """
    op = node._op
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
        shown = ", ".join(describe(p) for p in node.parents)
        raise ZeroDivisionError(
            f"{op.name}({shown}): the derivative is not finite at this point ({error})"
        ) from None


def gradients(
    root: Value, seed: Any = 1.0, *, create_graph: bool = False, inputs: Sequence[Value] = ()
) -> tuple[list[Value], dict[Value, Any]]:
    """One backward pass from `root`: (topological order, {node: d(root)/d(node) * seed}).

    Touches no `.grad`. With `create_graph` the gradients are Values whose own graph can be
    differentiated again. With `inputs`, the walk stops at them (their ancestors are skipped).
    """
    stops = set(inputs)
    order = topological_order(root, stop_at=stops)
    grads: dict[Value, Any] = {root: seed}
    get = grads.get
    if not create_graph:
        for node in reversed(order):
            if node._op is None or node in stops:
                continue
            upstream = grads[node]
            for parent, local in zip(node.parents, local_partials(node)):
                before = get(parent)
                grads[parent] = local * upstream if before is None else before + local * upstream
        if mode.get_mode().anomaly:
            anomaly.on_gradients(order, grads)
        return order, grads
    with mode.enable_grad():
        for node in reversed(order):
            if node._op is None or node in stops:
                continue
            upstream = grads[node]
            for parent, local in zip(node.parents, local_partials(node, VALUE_MATH)):
                before = get(parent)
                added = _times(local, upstream)
                grads[parent] = added if before is None else before + added
    if mode.get_mode().anomaly:
        anomaly.on_gradients(order, grads)
    return order, grads


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
    if not isinstance(grad, Value):
        grad = as_float(grad, "backward")
    order, grads = gradients(root, grad, create_graph=create_graph)
    for node in order:
        g = grads[node]
        if create_graph and not isinstance(g, Value):
            g = Value(g)
        before = node.grad
        node.grad = g if (isinstance(before, float) and before == 0.0) else before + g


ArgNums = int | tuple[int, ...]


def value_and_grad(f: Callable[..., Value], argnums: ArgNums = 0) -> Callable[..., tuple]:
    """`f`'s value and its gradient with respect to the arguments at `argnums`, JAX-style.

    With plain numbers you get floats. If any argument is a Value you get Values that carry
    their graph, so `grad(grad(f))` is the second derivative. No `.grad` is touched.
    """
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    def wrapped(*args: Any) -> tuple:
        for i in positions:
            if not -len(args) <= i < len(args):
                raise IndexError(f"grad: argnums {i} is out of range for {len(args)} arguments")
        traced = any(isinstance(a, Value) for a in args)
        args = list(args)
        for i in positions:
            if not isinstance(args[i], Value):
                args[i] = Value(as_float(args[i], f"grad (argument {i})"))
        with mode.enable_grad():
            out = f(*args)
        if not isinstance(out, Value):
            raise TypeError(f"grad: f must return a Value, got {type(out).__name__}")
        wrt = [args[i] for i in positions]
        _, grads = gradients(out, 1.0, create_graph=traced, inputs=wrt)
        found = [grads.get(x, 0.0) for x in wrt]
        if traced:
            found = [g if isinstance(g, Value) else Value(g) for g in found]
            value: Any = out
        else:
            found = [g.data if isinstance(g, Value) else g for g in found]
            value = out.data
        return value, (found[0] if isinstance(argnums, int) else tuple(found))

    return wrapped


def grad(f: Callable[..., Value], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The gradient of `f` with respect to the arguments at `argnums` (see `value_and_grad`)."""
    both = value_and_grad(f, argnums)
    return lambda *args: both(*args)[1]
