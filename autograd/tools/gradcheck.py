"""Check analytic gradients against finite differences, for users and for our own tests.

Differences are kink-aware (`autograd.tools.kinks`): beside or at a kink of an op on the path (relu
at 0), the one-sided difference on the side the analytic derivative comes from is used, and
the report names it. A failure can be drawn (`failure.draw()`), the op whose own rule disagrees
with its forward filled.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.core.backward import local_partials
from autograd.core.graph import topological_order
from autograd.core.scalar import as_float
from autograd.core.value import Value
from autograd.tools.kinks import Numeric, kinked, numeric_partial
from autograd.transforms.forward import jvp
from autograd.transforms.functional import grad

if TYPE_CHECKING:
    import graphviz


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message is a table of every input.

    `.report` holds the numbers; `.draw()` draws the function's graph at the point.
    """

    __module__ = "autograd"  # shown in tracebacks, and pickled, by its public path

    def __init__(self, message: str, report: GradcheckReport | None = None) -> None:
        super().__init__(message)
        self.report = report

    def draw(self, **options: Any) -> graphviz.Digraph:
        """The graph at the failing point, each node's gradient shown, the ops whose own rule
        disagrees with their forward filled (see `GradcheckReport.draw`)."""
        if self.report is None:
            raise ValueError("draw: this GradcheckError has no report to draw")
        return self.report.draw(**options)


@dataclass(frozen=True)
class Row:
    """One partial derivative in one mode: analytic, numeric (None: not checkable), verdict."""

    name: str
    mode: str
    analytic: float
    numeric: Numeric
    ok: bool

    @property
    def error(self) -> float | None:
        value = self.numeric.value
        return None if value is None else abs(self.analytic - value)


@dataclass(frozen=True)
class GradcheckReport:
    """Every partial of `function` at `point`, analytic against numeric: truthy if all agree."""

    function: Callable[..., Any]
    names: tuple[str, ...]
    point: tuple[float, ...]
    rows: tuple[Row, ...]

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        return _table(self)

    def draw(self, **options: Any) -> graphviz.Digraph:
        """`draw_dot` of the function's graph at the point after backward, with local derivatives
        on the edges and the nodes whose op's rule disagrees with its own forward highlighted
        (a wrong rule of a user op shows up here). Options go to `draw_dot`."""
        from autograd.viz.dot import draw_dot  # graphviz only when drawing

        out = self.function(*[Value(x, name) for name, x in zip(self.names, self.point)])
        if not isinstance(out, Value):
            raise TypeError(f"draw: {_title(self.function)} returned "
                            f"{type(out).__name__}, not a Value: there is no graph to draw")
        out.backward()
        options.setdefault("edge_labels", True)
        return draw_dot(out, highlight=wrong_rules(out), **options)


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
    Where an op's kink lies within eps, the numeric side is one-sided (see `autograd.tools.kinks`).
    With `order=2` the second derivatives are checked too: each first partial is gradchecked.
    Raises `GradcheckError` with a readable table (input, mode, numbers) otherwise.
    """
    if isinstance(order, bool) or not isinstance(order, int):
        raise TypeError(f"gradcheck: order must be an int >= 1, got {type(order).__name__} "
                        f"({order!r})")
    if order < 1:
        raise ValueError(f"gradcheck: order must be an int >= 1, got {order}")
    report = gradcheck_report(f, *args, eps=eps, atol=atol, rtol=rtol, modes=modes)
    if not report:
        raise GradcheckError(str(report), report)
    if order > 1:
        names, point = list(report.names), list(report.point)
        for i, name in enumerate(names):
            partial = _partial(f, i, name, names)
            gradcheck(partial, *point, eps=eps, atol=atol, rtol=rtol, order=order - 1,
                      modes=modes)
    return True


def gradcheck_report(
    f: Callable[..., Value],
    *args: float | Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    modes: Sequence[str] = ("rev", "fwd"),
) -> GradcheckReport:
    """`gradcheck`'s first-order comparison as a report, passed or not: its `str` is the table
    (with the side of each one-sided difference and why), `.rows` the numbers, `.draw()` the
    graph. Truthy when every partial agrees."""
    modes = tuple(modes) if not isinstance(modes, str) else (modes,)
    if not modes or any(m not in _MODES for m in modes):
        raise ValueError(f"gradcheck: modes must be some of 'rev' and 'fwd', got {modes!r}")
    if not eps > 0:
        raise ValueError(f"gradcheck: eps must be > 0, got {eps!r}")
    if not args:
        raise ValueError("gradcheck: give the point to check at, e.g. gradcheck(f, 1.0, 2.0)")
    point = [as_float(a.data if isinstance(a, Value) else a, "gradcheck") for a in args]
    names = _argument_names(f, len(point))
    near_kinks = kinked(f, point)
    numeric = [numeric_partial(f, point, i, eps, near_kinks) for i in range(len(point))]
    rows = []
    for mode in modes:
        for name, analytic, num in zip(names, _MODES[mode](f, point), numeric):
            ok = num.value is None or abs(analytic - num.value) <= atol + rtol * abs(num.value)
            rows.append(Row(name, mode, analytic, num, ok))
    return GradcheckReport(f, tuple(names), tuple(point), tuple(rows))


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

    It is only ever called with Values (`grad` lifts numbers, the differences pass
    Values), so its result is a Value with a graph: differentiable again.
    """
    partial = grad(f, i)
    partial.__name__ = f"d{getattr(f, '__name__', 'f')}/d{name}"
    partial.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
    )
    return partial


def _argument_names(f: Callable, count: int) -> list[str]:
    """The parameter names of `f` where it has them, else x0, x1, ..."""
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # a builtin or callable without a signature
        parameters = []
    params = [p.name for p in parameters
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return params[:count] if len(params) >= count else [f"x{i}" for i in range(count)]


def _title(f: Callable) -> str:
    """How the table names `f`: an expression from `autograd.testing` by its formula."""
    if isinstance(getattr(f, "steps", None), tuple) and callable(getattr(f, "formula", None)):
        return repr(f)  # an Expression: the (shrunk) graph itself, readable
    return getattr(f, "__name__", "f")


def _table(report: GradcheckReport) -> str:
    f, names, point = report.function, report.names, report.point
    at = ", ".join(f"{n}={x:g}" for n, x in zip(names, point))
    header = (f"{'input':<10} {'mode':<10} {'analytic':>14} {'numeric':>14} {'abs err':>10} "
              f"{'rel err':>10}")
    verdict = "passed" if report else "failed"
    lines = [f"gradcheck {verdict} for {_title(f)} at ({at}):", header]
    for row in report.rows:
        numeric, error = row.numeric.value, row.error
        if numeric is None or error is None:
            lines.append(f"{row.name:<10} {_MODE_NAMES[row.mode]:<10} {row.analytic:>14.8g} "
                         f"{'not checked':>14}")
            continue
        relative = error / abs(numeric) if numeric else float("inf") if error else 0.0
        mark = "" if row.ok else "  <- mismatch"
        lines.append(f"{row.name:<10} {_MODE_NAMES[row.mode]:<10} {row.analytic:>14.8g} "
                     f"{numeric:>14.8g} {error:>10.3g} {relative:>10.3g}{mark}")
    notes = dict.fromkeys(f"{row.name}: {_side(row.numeric)}" for row in report.rows
                          if row.numeric.note)
    lines += [f"note: {note}" for note in notes]
    if not report and _title(f) != getattr(f, "__name__", "f"):
        wrong = _wrong_text(report)
        lines.append(f"failure.draw() draws this graph{wrong}")
    return "\n".join(lines)


def _side(numeric: Numeric) -> str:
    if numeric.value is None:
        return numeric.note
    kind = "central" if numeric.side == "central" else f"{numeric.side}-sided"
    return f"{kind} difference: {numeric.note}"


def _wrong_text(report: GradcheckReport) -> str:
    """`; the rule of cube disagrees with its forward at t1` for the report's graph, or ''."""
    try:
        out = report.function(*[Value(x) for x in report.point])
    except Exception:  # noqa: BLE001 - only a hint: the table above is the message
        return ""
    if not isinstance(out, Value):
        return ""
    ops = list(dict.fromkeys(node._fn.name for node in wrong_rules(out)))
    if not ops:
        return ""
    return f"; the rule of {', '.join(ops)} disagrees with its own forward there (filled)"


def wrong_rules(root: Value, eps: float = 1e-6, atol: float = 1e-5,
                rtol: float = 1e-4) -> list[Value]:
    """The nodes of `root`'s graph whose op's rule disagrees with a central difference of the
    op's own forward at that node's operands: where a graph's wrong gradient comes from.

    Operands within a step of a break (a kink or pole) are skipped: a difference there says
    nothing about the rule.
    """
    found = []
    for node in topological_order(root):
        op = node._fn
        if op is None:
            continue
        try:
            rule = local_partials(node)
        except ArithmeticError:
            continue
        operands = [p.data for p in node.parents]
        param = () if node._param is None else (node._param,)
        for j, domain in enumerate(op.smooth):
            u = operands[j]
            h = eps * max(1.0, abs(u))
            if any(abs(u - p) <= 2 * h for p in domain.breaks):
                continue
            sides = []
            for d in (h, -h):
                moved = list(operands)
                moved[j] = u + d
                if op.check is not None and op.check(*moved, *param) is not None:
                    break
                sides.append(op.forward(*moved, *param))
            if len(sides) < 2:
                continue
            numeric = (sides[0] - sides[1]) / (2 * h)
            if abs(rule[j] - numeric) > atol + rtol * abs(numeric):
                found.append(node)
                break
    return found
