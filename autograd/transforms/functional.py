"""The functional API: `grad` and `value_and_grad` turn a function into its gradient, JAX-style.

Built on one backward pass (`core.backward.gradients`), which touches no `.grad`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from autograd.core import mode
from autograd.core.backward import Fresh, gradients
from autograd.core.identity import identity_key
from autograd.core.scalar import as_float, is_number
from autograd.core.value import Value
from autograd.core.warn import warn
from autograd.transforms.argnums import normalize_argnums, one_position

ArgNums = int | tuple[int, ...]
nesting: ContextVar[int] = ContextVar("stepgrad_grad_nesting", default=0)
"""How many `grad`s are running `f` in this context: inside one, gradients are recorded."""


def value_and_grad(f: Callable[..., Value], argnums: ArgNums = 0) -> Callable[..., tuple]:
    """`f`'s value and its gradient with respect to the arguments at `argnums`, JAX-style.

    With plain numbers you get floats. If any argument is a Value you get Values that carry
    their graph, so `grad(grad(f))` is the second derivative. No `.grad` is touched.
    """
    return _value_and_grad(f, argnums, "value_and_grad")


def _value_and_grad(f: Callable[..., Value], argnums: ArgNums, where: str) -> Callable[..., tuple]:
    normalize_argnums(argnums, fn=where)  # its type now; its positions at each call

    def wrapped(*args: Any, **kwargs: Any) -> tuple:
        positions = normalize_argnums(argnums, len(args), fn=where)
        # Values in, or called inside another grad's f (a closure may capture its Values):
        # then the gradient is a Value with a graph, so the caller can differentiate it.
        traced = nesting.get() > 0 or any(isinstance(a, Value) for a in args)
        # Every number becomes a leaf, so f may call Value methods on any argument (as JAX
        # traces every argument); other objects (data, settings) pass through untouched.
        args = [Value(a) if is_number(a) else a for a in args]
        for i in positions:
            if not isinstance(args[i], Value):
                as_float(args[i], f"{where} (argument {i})")  # raises: not differentiable
            elif traced:
                args[i] = +args[i]  # its own node: one partial per argument, even for f(x, x)
        token = nesting.set(nesting.get() + 1)
        try:
            with mode.enable_grad():
                out = f(*args, **kwargs)  # keywords pass through, not differentiated (as JAX)
        finally:
            nesting.reset(token)
        if not isinstance(out, Value):  # a constant (as JAX): every partial is 0
            out = Value(as_float(out, f"{where} (f's result)"))
            if nesting.get() == 0:  # inside another grad, a constant gradient is ordinary
                warn(f"{where}: f returned a plain number ({out.data!r}), not a Value, so no "
                     f"op was recorded and every gradient is 0.0. If f calls math.tanh(x), "
                     f"float(x) or reads x.data, use the Value's own methods (x.tanh(), "
                     f"x.exp(), x ** 2, ...) so the op is recorded; if f is constant on "
                     f"purpose, the zeros are right (silence: warnings.simplefilter('ignore', "
                     f"autograd.GradientWarning))")
        wrt = [args[i] for i in positions]
        order, grads = gradients(out, 1.0, create_graph=traced, inputs=wrt)
        found = [grads.get(identity_key(x), 0.0) for x in wrt]
        if traced:
            fresh = Fresh(order)
            with mode.enable_grad():
                found = [fresh(g) for g in found]
            value: Any = out
        else:  # a float pass: the gradients are floats already
            value = out.data
        return value, (found[0] if one_position(argnums) else tuple(found))

    return wrapped


def grad(f: Callable[..., Value], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The gradient of `f` with respect to the arguments at `argnums` (see `value_and_grad`)."""
    both = _value_and_grad(f, argnums, "grad")
    return lambda *args, **kwargs: both(*args, **kwargs)[1]
