"""User-defined ops: `define_op` makes an `Op` record like the table's, and a function calling it.

A user op is an ordinary `Op`, so everything that reads ops reads it: backward (any order),
forward mode, the transforms, the stepper's text, `explain`, drawings, anomaly mode, domain
errors, `autograd.testing` and `gradcheck`. It lives in `USER_OPS`, never in `OPS`: defining one
changes no built-in op, and the suite's "every op in the table" stays the built-in table.
"""

from __future__ import annotations

import inspect
import keyword
import reprlib
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from autograd.core.ops import FLOAT_MATH, OPS, REAL, USER_OPS, Check, Domain, Op
from autograd.core.scalar import as_float, is_number
from autograd.core.text import describe
from autograd.core.value import Value
from autograd.introspect.symbolic import SYMBOLIC_MATH, Expr, lift, symbol
from autograd.transforms.forward import Dual, apply_any


class CheckedForward:
    """A user op's forward as every path runs it (Values, numbers, forward mode, `gradcheck`,
    compiled programs): its result must be a real number, made a float, else a TypeError
    naming the op and its inputs. On symbols (the formulas `explain` shows) whatever it gives
    or raises is the caller's to read: anything but an expression shows as `name(a)`.
    """

    __slots__ = ("name", "forward")

    def __init__(self, name: str, forward: Callable[..., Any]) -> None:
        self.name, self.forward = name, forward

    def __call__(self, *inputs: Any) -> Any:
        if any(isinstance(x, Expr) for x in inputs):
            try:
                return self.forward(*inputs)
            except Exception:  # noqa: BLE001 - a forward that needs numbers: shown as a call
                return None
        out = self.forward(*inputs)
        if out.__class__ is float:
            return out
        if is_number(out):  # an int, numpy's float64, a Fraction: the engine stores floats
            return as_float(out, self.name)
        shown = ", ".join(map(repr, inputs))
        raise TypeError(f"{self.name}({shown}): its forward returned {type(out).__name__} "
                        f"({reprlib.repr(out)}), not a real number: it must return a float")

    def __repr__(self) -> str:
        return f"CheckedForward({self.name!r}, {self.forward!r})"


class OpFunction:
    """A user op as a function: records on Values, carries tangents on Duals, gives a float on
    numbers. `.op` is its `Op` record (for `autograd.tools.testing.op_inputs(f.op)`, say)."""

    __slots__ = ("op",)

    def __init__(self, op: Op) -> None:
        self.op = op

    def __call__(self, *operands: Any) -> Any:
        op = self.op
        if len(operands) != op.arity:
            raise TypeError(f"{op.name}: takes {op.arity} operand(s), got {len(operands)}")
        try:
            out = apply_any(op, *operands)  # the domain check and its message are apply's
        except (ArithmeticError, ValueError) as error:
            if str(error).startswith(f"{op.name}("):  # apply's own domain error: it names all
                raise
            shown = ", ".join(describe(x) if isinstance(x, (Value, Dual)) else repr(x)
                              for x in operands)
            hint = ("return inf instead, as the built-in ops do" if isinstance(error, OverflowError)
                    else "give define_op a check= to say where it is defined")
            raise type(error)(f"{op.name}({shown}): its forward raised {type(error).__name__}: "
                              f"{error} ({hint})") from None
        numbers = not any(isinstance(x, (Value, Dual)) for x in operands)
        return out.data if numbers else out

    @property
    def __name__(self) -> str:  # noqa: PLW3201 - what gradcheck's table and reprs call it
        return self.op.name

    @property
    def __signature__(self) -> inspect.Signature:
        """Operands named as in the rules (`a`, `b`), so `gradcheck`'s table names them."""
        kind = inspect.Parameter.POSITIONAL_ONLY
        return inspect.Signature([inspect.Parameter(n, kind) for n in "ab"[: self.op.arity]])

    def __repr__(self) -> str:
        return f"<user op {self.op.name}: {self.op.doc}>"


def define_op(
    name: str,
    forward: Callable[..., float],
    partials: Callable[..., Sequence[Any]],
    *,
    check: Check | None = None,
    smooth: Domain | Sequence[Domain] | None = None,
    kink: str = "",
    doc: str = "",
) -> OpFunction:
    """A new op from its forward on floats and its local partials, `partials(m, *inputs, out)`.

    The rule is written as the table's are, with operators and the math namespace `m`, so it
    runs on floats, on Values (higher order) and on symbols. `check(*inputs)` returns
    (error type, reason) outside the domain, or None; `smooth` is each input's smooth Domain
    (samplers draw from it; default: any real). A built-in op's name is refused, as is one
    equal to another op's once NFKC-normalised; defining a user op's name again replaces it
    (re-running a notebook cell works), while graphs made before keep the op they were made with.
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"define_op: the name must be a Python identifier, got {name!r}")
    name = str.__str__(name)  # a str subclass's text: its own methods are not ours to run
    if name in OPS:
        raise ValueError(f"define_op: {name!r} is a built-in op; pick another name")
    _refuse_a_lookalike(name)
    for what, given in (("forward", forward), ("partials", partials)):
        if not callable(given):
            raise TypeError(f"define_op {name}: {what} must be callable, got "
                            f"{type(given).__name__} ({reprlib.repr(given)})")
    if check is not None and not callable(check):
        raise TypeError(f"define_op {name}: check must be callable or None")
    arity = _arity(name, forward)
    domains = _domains(name, smooth, arity)
    op = Op(name, name, arity, CheckedForward(name, forward), partials,
            doc or f"user op {name}", domains, check=check, kink=kink)
    _check_rule(op)
    USER_OPS[name] = op
    return OpFunction(op)


def _refuse_a_lookalike(name: str) -> None:
    """Refuse a name that is another op's after NFKC normalisation, as Python reads identifiers
    (`ｔanh` is `tanh`, `µ` is `μ`): two ops would share one name in code and in pickles."""
    folded = unicodedata.normalize("NFKC", name)
    for other in (*OPS, *USER_OPS):
        if other != name and unicodedata.normalize("NFKC", other) == folded:
            kind = "the built-in op" if other in OPS else "the user op"
            raise ValueError(f"define_op: {name!r} is {kind} {other!r} once NFKC-normalised (to "
                             f"{folded!r}), as Python normalises identifiers; pick another name")


def _arity(name: str, forward: Callable) -> int:
    """How many inputs `forward` takes: 1 or 2, as the engine's nodes have."""
    try:
        parameters = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"define_op {name}: cannot read forward's signature; pass a function "
                        "or lambda taking the inputs") from None
    count = sum(1 for p in parameters
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty)
    if count not in (1, 2):
        raise ValueError(f"define_op {name}: forward must take 1 or 2 inputs, it takes {count}")
    return count


def _domains(name: str, smooth: Any, arity: int) -> tuple[Domain, ...]:
    if smooth is None:
        return (REAL,) * arity
    domains = (smooth,) if isinstance(smooth, Domain) else tuple(smooth)
    if len(domains) != arity or not all(isinstance(d, Domain) for d in domains):
        raise TypeError(f"define_op {name}: smooth must be {arity} Domain(s) (one per input, "
                        f"e.g. autograd.core.ops.POSITIVE), got {reprlib.repr(smooth)}")
    return domains


def _check_rule(op: Op) -> None:
    """Run the rule once on symbols and once on floats: the toolkit runs it on both."""
    names = [symbol(n) for n in "ab"[: op.arity]]
    try:
        found = op.partials(SYMBOLIC_MATH, *names, symbol("out"))
        parts = [lift(p) for p in found]
    except Exception as error:  # noqa: BLE001 - any failure means the rule is not portable
        functions = ", ".join(n for n in vars(FLOAT_MATH) if not n.startswith("_"))
        raise TypeError(
            f"define_op {op.name}: partials(m, {', '.join(map(str, names))}, out) must use only "
            f"operators and m's functions ({functions}), as the table's rules do, so that it "
            f"runs on floats, Values and symbols; on symbols it raised "
            f"{type(error).__name__}: {error}") from None
    if len(parts) != op.arity:
        raise ValueError(f"define_op {op.name}: partials must return {op.arity} derivative(s), "
                         f"one per input, got {len(parts)}")
    point = [d.ranges[0][0] / 2 + d.ranges[0][1] / 2 for d in op.smooth]
    if op.check is None or op.check(*point) is None:
        try:
            out = op.forward.forward(*point)  # the user's own: its type is checked just below
        except (ArithmeticError, ValueError):  # undefined there (no check given): not ours
            return
        if not is_number(out):  # said at once; CheckedForward says so at every later call too
            raise TypeError(f"define_op {op.name}: forward must return a float, gave "
                            f"{type(out).__name__} ({reprlib.repr(out)}) at {point}")
