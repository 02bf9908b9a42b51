"""Check analytic gradients against central finite differences, for users and for our own tests."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from autograd.core.graph import topological_order
from autograd.core.mode import enable_grad, no_grad
from autograd.core.scalar import as_float
from autograd.core.value import Value
from autograd.introspect.explain import Names
from autograd.transforms.forward import jvp
from autograd.transforms.functional import grad


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message is a table of every input."""

    __module__ = "autograd"  # shown in tracebacks, and pickled, by its public path


def gradcheck(
    f: Callable[..., Value],
    *args: float | Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    order: int = 1,
    modes: Sequence[str] = ("rev", "fwd"),
) -> bool:
    """True if every partial of `f` at `args` matches (f(x+eps) - f(x-eps)) / 2eps.

    Each partial is computed in every one of `modes`: "rev" (`grad`, reverse mode) and "fwd"
    (`jvp`, forward mode). An input passes when |analytic - numeric| <= atol + rtol*|numeric|.
    With `order=2` the second derivatives are checked too: each first partial is gradchecked.
    Raises `GradcheckError` with a readable table (input, mode, numbers) otherwise.
    """
    modes = tuple(modes) if not isinstance(modes, str) else (modes,)
    if not modes or any(m not in _MODES for m in modes):
        raise ValueError(f"gradcheck: modes must be some of 'rev' and 'fwd', got {modes!r}")
    if isinstance(order, bool) or not isinstance(order, int):
        raise TypeError(f"gradcheck: order must be an int >= 1, got {type(order).__name__} "
                        f"({order!r})")
    if order < 1:
        raise ValueError(f"gradcheck: order must be an int >= 1, got {order}")
    if not eps > 0:
        raise ValueError(f"gradcheck: eps must be > 0, got {eps!r}")
    if not args:
        raise ValueError("gradcheck: give the point to check at, e.g. gradcheck(f, 1.0, 2.0)")
    point = [as_float(a.data if isinstance(a, Value) else a, "gradcheck") for a in args]
    names = _argument_names(f, len(point))
    numeric = [_central_difference(f, point, i, eps) for i in range(len(point))]
    rows = []
    for mode in modes:
        for name, analytic, num in zip(names, _MODES[mode](f, point), numeric):
            error = abs(analytic - num)
            rows.append((name, mode, analytic, num, error, error <= atol + rtol * abs(num)))
    if not all(row[-1] for row in rows):
        raise GradcheckError("\n".join([_table(f, point, names, rows),
                                        *_kink_hints(f, point, names, eps)]))
    if order > 1:
        for i, name in enumerate(names):
            partial = _partial(f, i, name, names)
            gradcheck(partial, *point, eps=eps, atol=atol, rtol=rtol, order=order - 1,
                      modes=modes)
    return True


def _reverse(f: Callable[..., Value], point: list[float]) -> tuple[float, ...]:
    """Every partial from one backward pass."""
    return grad(f, tuple(range(len(point))))(*point)


def _forward(f: Callable[..., Value], point: list[float]) -> list[float]:
    """Every partial from one jvp per input. Values in, so f may itself call `grad` (as the
    partials of `order=2` do); numbers would run f on Duals."""
    found = []
    for i in range(len(point)):
        direction = [1.0 if k == i else 0.0 for k in range(len(point))]
        tangent = jvp(f, [Value(x) for x in point], direction)[1]
        found.append(tangent.data if isinstance(tangent, Value) else as_float(tangent, "jvp"))
    return found


_MODES = {"rev": _reverse, "fwd": _forward}
_MODE_NAMES = {"rev": "rev (grad)", "fwd": "fwd (jvp)"}


def gradgradcheck(f: Callable[..., Value], *args: float | Value, **tolerances: float) -> bool:
    """`gradcheck` of first and second derivatives (`order=2`)."""
    return gradcheck(f, *args, order=2, **tolerances)


def _partial(f: Callable[..., Value], i: int, name: str, names: list[str]) -> Callable:
    """d f / d(argument i), as a function of Values, so that it can be checked in turn.

    It is only ever called with Values (`grad` lifts numbers, `_central_difference` passes
    Values), so its result is a Value with a graph: differentiable again.
    """
    partial = grad(f, i)
    partial.__name__ = f"d{getattr(f, '__name__', 'f')}/d{name}"
    partial.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
    )
    return partial


def _central_difference(f: Callable[..., Value], point: list[float], i: int, eps: float) -> float:
    def at(x_i: float) -> float:
        shifted = [Value(x) for x in point]
        shifted[i] = Value(x_i)
        with no_grad():
            out = f(*shifted)
        return out.data if isinstance(out, Value) else as_float(out, "gradcheck")

    return (at(point[i] + eps) - at(point[i] - eps)) / (2 * eps)


def _kink_hints(f: Callable[..., Value], point: list[float], names: list[str],
                eps: float) -> list[str]:
    """A hint for each op of f's graph at `point` that meets a kink within eps (relu at 0).

    There the op's derivative is a convention (the op table's `kink`) and the finite difference
    straddles two slopes, so a mismatch says nothing about the rule.
    """
    with enable_grad():
        out = f(*[Value(x, label=name) for x, name in zip(point, names)])
    if not isinstance(out, Value):
        return []
    order = topological_order(out)
    name_of = Names(order)
    hints = []
    for node in order:
        op = node._op
        if op is None or not op.kink:
            continue
        for parent, domain in zip(node.parents, op.smooth):
            x = parent.data
            straddles = 0.0 not in domain and x - eps <= 0.0 <= x + eps
            if x not in domain or straddles:
                hints.append(f"hint: {name_of(node)} is at or near its kink ({name_of(parent)} = "
                             f"{x!r}, within eps={eps:g}): it is not differentiable there, so "
                             f"autograd uses "
                             f"{op.kink} by convention while the difference averages both "
                             f"sides; check at a point away from the kink")
    return hints


def _argument_names(f: Callable, count: int) -> list[str]:
    """The parameter names of `f` where it has them, else x0, x1, ..."""
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # a builtin or callable without a signature
        parameters = []
    params = [p.name for p in parameters
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return params[:count] if len(params) >= count else [f"x{i}" for i in range(count)]


def _table(f: Callable, point: list[float], names: list[str], rows: list[tuple]) -> str:
    title = getattr(f, "__name__", "f")
    at = ", ".join(f"{n}={x:g}" for n, x in zip(names, point))
    header = (f"{'input':<10} {'mode':<10} {'analytic':>14} {'numeric':>14} {'abs err':>10} "
              f"{'rel err':>10}")
    lines = [f"gradcheck failed for {title} at ({at}):", header]
    for name, mode, analytic, numeric, error, ok in rows:
        relative = error / abs(numeric) if numeric else float("inf") if error else 0.0
        mark = "" if ok else "  <- mismatch"
        lines.append(f"{name:<10} {_MODE_NAMES[mode]:<10} {analytic:>14.8g} {numeric:>14.8g} "
                     f"{error:>10.3g} {relative:>10.3g}{mark}")
    return "\n".join(lines)
