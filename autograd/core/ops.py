"""The op table: the only place in stepgrad that knows calculus.

Each `Op` holds an operation's forward function on floats and its local partial derivatives
side by side. `Value`, the backward pass, forward mode, the compiler, the stepper, the drawings,
the expression parser, the generated op list and the tests all read this table.

A rule `partials(m, *inputs, out)` returns d(out)/d(input) for every input. It is written with
operators and the small math namespace `m`, so the same rule runs on floats (`FLOAT_MATH`, the
fast first-order path), on `Value`s (recorded, for higher-order gradients), and on symbols
(to print the rule, or to check it against sympy). Rules receive the forward result `out`, so
exp' is `out` and tanh' is `1 - out*out`. Ops with a number parameter (the slope of
leaky_relu, the exponent of pow) receive it after the inputs: `partials(m, a, k, out)`.

Two kinds of op are not smooth functions: selections (maximum, minimum), whose forward returns
one operand and whose rule sends the gradient to the operand returned (`m.picked`), and
stop_gradient, whose partial is 0 by definition (`stops_gradient`): the derivative tests leave
it out, and say so.

Adding an op, the whole checklist (a test fails for each step left out):
1. One `Op(...)` entry below, added to `OPS`: forward on floats, partials, its domain `check`
   and smooth domains (where it is differentiable: samplers and gradcheck read them), `doc`.
2. A one-line method on `Value` (core/value.py) that applies it, if it is called as one
   (`x.tanh()`). The expression parser knows every one-input op by name (`FUNCTIONS`).
3. An independent definition of it in sympy, `ORACLES` in tests/autograd/core/test_ops.py.
4. `python scripts/write_op_list.py`: the documented op list is generated from this table.
Everything else (forward mode, the compiler, the stepper's text, drawings, anomaly mode, the
hypothesis strategies, `gradcheck`) reads the new entry as it is.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Check = Callable[..., "tuple[type[ArithmeticError] | type[ValueError], str] | None"]


@dataclass(frozen=True)
class Domain:
    """A set of reals an input may take: `test` decides it; `ranges` is where samplers draw from;
    `breaks` are the points it leaves out between its pieces (relu's kink at 0, div's pole)."""

    name: str
    test: Callable[[float], bool]
    ranges: tuple[tuple[float, float], ...]
    breaks: tuple[float, ...] = ()

    def __contains__(self, x: float) -> bool:
        return self.test(x)


# Smooth domains: where an op is differentiable, kept a little away from kinks and poles so that
# finite differences and samplers stay honest there.
REAL = Domain("any x", lambda x: math.isfinite(x), ((-4.0, 4.0),))
POSITIVE = Domain("x > 0", lambda x: x > 0, ((0.05, 4.0),))
NONZERO = Domain("x != 0", lambda x: x != 0, ((-4.0, -0.05), (0.05, 4.0)), breaks=(0.0,))
EXPONENT = Domain("any k", lambda k: math.isfinite(k), ((-3.0, 3.0),))
SLOPE = Domain("0 <= slope < 1", lambda k: 0 <= k < 1, ((0.0, 0.5),))
# maximum and minimum are smooth where a != b: samplers draw a and b from ranges at least 0.1
# apart, both orders of a and b included, so no central difference crosses the kink.
APART_A = Domain("x != b", lambda x: math.isfinite(x), ((-4.0, -2.05), (0.05, 1.95)))
APART_B = Domain("x != a", lambda x: math.isfinite(x), ((-1.95, -0.05), (2.05, 4.0)))
_TIE = ("a tie (a == b) sends the whole gradient to a, the first operand, as PyTorch's max "
        "pooling does")


class Constant:
    """A rule whose partials are the same numbers at every point (add's are 1 and 1)."""

    __slots__ = ("values",)

    def __init__(self, *values: float) -> None:
        self.values = values

    def __call__(self, m: Any, *operands: Any) -> tuple[float, ...]:
        return self.values

    def __repr__(self) -> str:
        return f"Constant{self.values!r}"

    def __eq__(self, other: object) -> bool:
        return type(other) is Constant and other.values == self.values

    def __hash__(self) -> int:
        return hash(self.values)


class Swapped:
    """A two-input rule whose partials are the operands swapped (mul's: d(a*b)/da = b)."""

    __slots__ = ()

    def __call__(self, m: Any, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
        return (b, a)

    def __repr__(self) -> str:
        return "Swapped()"

    def __eq__(self, other: object) -> bool:
        return type(other) is Swapped

    def __hash__(self) -> int:
        return hash(Swapped)


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: forward on floats, local partials, where it is defined and where smooth."""

    name: str  # the method / function name, e.g. "tanh"
    symbol: str  # how drawings and reprs show it, e.g. "+" or "tanh"
    arity: int  # number of Value inputs
    forward: Callable[..., float]
    partials: Callable[..., tuple]
    doc: str
    smooth: tuple[Domain, ...]  # per input: where the op is differentiable (for samplers, docs)
    check: Check | None = None  # returns (error type, reason) for inputs outside the domain
    param: str | None = None  # name of a number parameter (leaky_relu's slope, pow's exponent)
    param_domain: Domain | None = None  # where samplers draw that parameter from
    param_default: float | None = None  # the parameter when none is given (leaky_relu's slope)
    kink: str = ""  # the convention used where the op is not differentiable
    commutative: bool = False  # swapping the operands changes nothing (drawings skip a/b marks)
    # The partials are not the forward's derivatives but 0 by definition (stop_gradient):
    # finite differences and sympy cannot check them, and random graphs for gradcheck omit it.
    stops_gradient: bool = False
    # Not differentiable where its two operands are equal (maximum, minimum): gradcheck is
    # one-sided there (tools/kinks.py), as at a Domain's breaks for one-input ops.
    ties: bool = False
    # The partials when the rule is a `Constant` (the same numbers everywhere), else None: the
    # float pass uses them without calling the rule (measured: 7% of a W1 backward).
    fixed: tuple[float, ...] | None = field(default=None, init=False, repr=False, compare=False)
    # The rule is `Swapped` (the partials are the operands swapped): the float pass reads the
    # operands without a call (measured: 2% of a W1 step).
    swapped: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.param is not None and self.arity != 1:  # the engine passes one to unary ops
            raise ValueError(f"{self.name}: only a one-input op can take a parameter "
                             f"({self.param!r}); this one has {self.arity} inputs")
        # exactly these classes: a subclass may compute something else in its __call__
        if type(self.partials) is Constant:
            object.__setattr__(self, "fixed", self.partials.values)
        if type(self.partials) is Swapped:
            if self.arity != 2:
                raise ValueError(f"{self.name}: a Swapped rule needs two inputs, "
                                 f"not {self.arity}")
            object.__setattr__(self, "swapped", True)

    def formula(self, *names: str) -> str:
        """The forward written with the given operand names, e.g. `a*b` or `tanh(a)`."""
        if len(names) == 2 and not self.symbol.isidentifier():
            return f"{names[0]}{self.symbol}{names[1]}"
        return f"{self.symbol}({', '.join(names)})"


# --- float math: the namespace rules see on the fast first-order path ---------------------------


def _sigmoid(x: float) -> float:
    # Stable on both tails: never exponentiates a large positive number.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _exp(x: float) -> float:
    # IEEE policy: overflow gives inf rather than OverflowError (as PyTorch does); nan stays nan.
    return math.inf if x > 709.782712893384 else math.exp(x)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _finite_only(f: Callable[[float], float]) -> Callable[[float], float]:
    """`f`, giving nan at +-inf instead of raising (IEEE: sin(inf) is nan)."""
    return lambda x: f(x) if math.isfinite(x) else math.nan


_sin, _cos = _finite_only(math.sin), _finite_only(math.cos)


def _step(x: float) -> float:
    """Heaviside step with step(0) = 0: the derivative of relu, PyTorch's convention."""
    return 1.0 if x > 0 else 0.0


def _sign(x: float) -> float:
    """Sign with sign(0) = 0: the derivative of abs, PyTorch's convention."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _picked(out: float, x: float) -> float:
    """1.0 if a selection's result `out` is its first operand `x`, else 0.0: maximum's and
    minimum's local derivative, so the gradient goes where the forward's choice went.

    Exact without comparing bits: the forwards return the first operand on a tie (-0.0 against
    0.0 included) and when it is NaN, so `out == x or x != x` holds just when x was returned."""
    return 1.0 if out == x or x != x else 0.0


def _maximum(a: float, b: float) -> float:
    """The larger of a and b; a tie goes to a, the first operand; a NaN wins (the first one)."""
    return a if a >= b or a != a else b


def _minimum(a: float, b: float) -> float:
    """The smaller of a and b; a tie goes to a, the first operand; a NaN wins (the first one)."""
    return a if a <= b or a != a else b


def _selection_partials(m: Any, a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """maximum's and minimum's rule: the whole gradient to the operand the forward returned."""
    first = m.picked(out, a)
    return (first, 1.0 - first)


def _stop_gradient(x: float) -> float:
    """x itself: stop_gradient's forward."""
    return x


def _pow(a: float, k: float) -> float:
    """a ** k, where overflow gives +-inf (the IEEE policy) instead of OverflowError."""
    try:
        return a**k
    except OverflowError:  # IEEE policy: overflow gives +-inf
        odd = float(k).is_integer() and int(k) % 2 == 1
        return -math.inf if (a < 0 and odd) else math.inf


class FLOAT_MATH:  # noqa: N801 - a namespace, read as `m.exp(a)` in the rules
    """The math namespace for plain floats."""

    exp = staticmethod(_exp)
    log = staticmethod(math.log)
    sin = staticmethod(_sin)
    cos = staticmethod(_cos)
    sqrt = staticmethod(math.sqrt)
    pow = staticmethod(_pow)  # `**` that overflows to inf, as the forward does
    sigmoid = staticmethod(_sigmoid)
    step = staticmethod(_step)
    sign = staticmethod(_sign)
    picked = staticmethod(_picked)


ALWAYS_FINITE: frozenset[str] = frozenset({"step", "sign", "picked"})
"""The FLOAT_MATH functions whose value is finite for all floats, nan and inf included (each
returns -1, 0 or 1), and that never raise: compiled code may skip a product of one with a zero
gradient (if computing its arguments cannot raise)."""


# --- domain checks: each returns (error type, reason) when the inputs are outside the domain ----


def _check_div(a: float, b: float):
    return (ZeroDivisionError, "division by zero") if b == 0 else None


# The checks let nan pass: nan propagates (the IEEE policy); it is not a domain error.
def _check_log(a: float):
    return (ValueError, "log needs x > 0") if a <= 0 else None


def _check_sqrt(a: float):
    return (ValueError, "sqrt needs x >= 0") if a < 0 else None


def _check_pow(a: float, k: float):
    if a == 0 and k < 0:
        return (ZeroDivisionError, f"0 cannot be raised to the negative power {k:g}")
    if a < 0 and not float(k).is_integer():
        return (ValueError, f"a negative base needs an integer exponent, not {k:g}")
    return None


def _check_power(a: float, b: float):
    if a <= 0:
        return (ValueError, "a Value exponent needs a base > 0 (use a number exponent for "
                            "other bases)")
    return None


# --- the table ----------------------------------------------------------------------------------

_TABLE = (
    Op("add", "+", 2, operator.add, Constant(1.0, 1.0),
       "sum", (REAL, REAL), commutative=True),
    Op("sub", "-", 2, operator.sub, Constant(1.0, -1.0),
       "difference", (REAL, REAL)),
    Op("mul", "*", 2, operator.mul, Swapped(),
       "product", (REAL, REAL), commutative=True),
    Op("div", "/", 2, operator.truediv, lambda m, a, b, out: (1.0 / b, -out / b),
       "quotient", (REAL, NONZERO), check=_check_div),
    Op("pos", "pos", 1, operator.pos, Constant(1.0),
       "identity (+x): a new node equal to x", (REAL,)),
    Op("neg", "neg", 1, operator.neg, Constant(-1.0),
       "negation", (REAL,)),
    Op("pow", "**", 1, _pow, lambda m, a, k, out: (k * m.pow(a, k - 1) if k != 0 else 0.0,),
       "power with a number exponent k", (POSITIVE,), check=_check_pow, param="k",
       param_domain=EXPONENT),
    Op("power", "**", 2, _pow,
       lambda m, a, b, out: (b * out / a, out * m.log(a)),
       "power with a Value exponent (base > 0)", (POSITIVE, REAL), check=_check_power),
    Op("exp", "exp", 1, _exp, lambda m, a, out: (out,),
       "exponential", (REAL,)),
    Op("log", "log", 1, math.log, lambda m, a, out: (1.0 / a,),
       "natural logarithm", (POSITIVE,), check=_check_log),
    Op("sqrt", "sqrt", 1, math.sqrt, lambda m, a, out: (0.5 / out,),
       "square root", (POSITIVE,), check=_check_sqrt),
    Op("sin", "sin", 1, _sin, lambda m, a, out: (m.cos(a),),
       "sine", (REAL,)),
    Op("cos", "cos", 1, _cos, lambda m, a, out: (-m.sin(a),),
       "cosine", (REAL,)),
    Op("tanh", "tanh", 1, math.tanh, lambda m, a, out: (1.0 - out * out,),
       "hyperbolic tangent", (REAL,)),
    Op("sigmoid", "sigmoid", 1, _sigmoid, lambda m, a, out: (out * (1.0 - out),),
       "logistic function 1/(1+exp(-x))", (REAL,)),
    Op("softplus", "softplus", 1, _softplus, lambda m, a, out: (m.sigmoid(a),),
       "log(1+exp(x)), a smooth relu", (REAL,)),
    Op("relu", "relu", 1, lambda a: 0.0 if a <= 0 else a, lambda m, a, out: (m.step(a),),
       "max(x, 0)", (NONZERO,), kink="relu'(0) = 0"),
    Op("leaky_relu", "leaky_relu", 1, lambda a, k: a if a > 0 else k * a,
       lambda m, a, k, out: (k + (1.0 - k) * m.step(a),),
       "x for x > 0, else slope*x", (NONZERO,), param="slope", param_domain=SLOPE,
       param_default=0.01, kink="leaky_relu'(0) = slope"),
    Op("abs", "abs", 1, abs, lambda m, a, out: (m.sign(a),),
       "absolute value", (NONZERO,), kink="abs'(0) = 0"),
    Op("maximum", "maximum", 2, _maximum, _selection_partials,
       "the larger of a and b (a NaN wins); `max_of(values)` folds it from the left, so the "
       "first maximal value gets the gradient. NB: torch.maximum splits a tie's in halves",
       (APART_A, APART_B), kink=_TIE, ties=True),
    Op("minimum", "minimum", 2, _minimum, _selection_partials,
       "the smaller of a and b (a NaN wins); `min_of(values)` folds it from the left, so the "
       "first minimal value gets the gradient. NB: torch.minimum splits a tie's in halves",
       (APART_A, APART_B), kink=_TIE, ties=True),
    Op("stop_gradient", "stop_gradient", 1, _stop_gradient, Constant(0.0),
       "x, recorded, with no gradient flowing back: d/dx is 0 by definition (JAX's "
       "stop_gradient; detach() makes a leaf instead)", (REAL,), stops_gradient=True),
)

PYTHON_OPERATORS: dict[Callable, str] = {
    operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
    operator.pow: "**", operator.neg: "-", operator.pos: "+",
}
"""The Python operator a forward is (`operator.mul` is `*`): generated code writes it out."""

FINITE_IMPLIES_FINITE_OPERANDS: frozenset[Callable] = frozenset({
    operator.add, operator.sub, operator.mul, operator.neg, operator.pos})
"""Forwards whose finite result, on floats, proves their operands finite (IEEE: an inf or nan
operand of + - * gives inf or nan): compiled code checks one value for many."""

OPS: dict[str, Op] = {op.name: op for op in _TABLE}
"""Every op by name, in table order."""

ADD, SUB, MUL, DIV = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"]
POS, NEG = OPS["pos"], OPS["neg"]
POW, POWER, EXP, LOG, SQRT = OPS["pow"], OPS["power"], OPS["exp"], OPS["log"], OPS["sqrt"]
SIN, COS, TANH, SIGMOID = OPS["sin"], OPS["cos"], OPS["tanh"], OPS["sigmoid"]
SOFTPLUS, RELU, LEAKY_RELU, ABS = OPS["softplus"], OPS["relu"], OPS["leaky_relu"], OPS["abs"]
MAXIMUM, MINIMUM, STOP_GRADIENT = OPS["maximum"], OPS["minimum"], OPS["stop_gradient"]

FUNCTIONS: dict[str, Op] = {
    name: op for name, op in OPS.items() if op.arity == 1 and name not in ("pos", "neg", "pow")
}
"""The ops called as functions, `tanh(x)`: what the expression parser may call."""


# Ops made by `define_op` (transforms/userops.py) are kept apart from the built-in table.
USER_OPS: dict[str, Op] = {}
"""Every op made by `define_op`, by name, in the order they were defined."""


def op_named(name: str) -> Op | None:
    """The built-in or user-defined op called `name`, or None (what unpickling looks up)."""
    return OPS.get(name) or USER_OPS.get(name)
