"""Forward mode: `jvp`, carrying a tangent through the op table's partials (out' = sum p_i * t_i).

With plain numbers, `f` runs on `Dual`s, (primal, tangent) pairs whose operators call the
table's forward and partials on floats: one pass, no graph stored. With Values the forward pass
is recorded as usual and tangents are pushed through its topological order with recorded
arithmetic, so the tangent is a Value that `grad` can differentiate, and `f` may itself call
`grad` (forward-over-reverse). Either way the rule used is the table's, written once.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Sequence
from typing import Any

from autograd.core import mode
from autograd.core.backward import Fresh, local_partials
from autograd.core.graph import topological_order
from autograd.core.identity import identity_key
from autograd.core.ops import FLOAT_MATH, OPS, POW, POWER, Op
from autograd.core.scalar import as_float, is_number
from autograd.core.value import Value, apply
from autograd.core.valuemath import VALUE_MATH
from autograd.transforms import argtree
from autograd.transforms.argtree import Place, Spec, position


def push(partials: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """The forward-mode chain rule: sum of partial_i * tangent_i over inputs that have a tangent.

    A tangent of None is an input that does not depend on the primals (a constant); it adds
    nothing. Returns None when no input has a tangent.
    """
    total = None
    for p, t in zip(partials, tangents):
        if t is None:
            continue
        term = t if (p.__class__ is float and p == 1.0) else p * t
        total = term if total is None else total + term
    return total


class Dual:
    """A number with a tangent, for forward mode on plain numbers: it stores no graph.

    It offers what `Value` offers for arithmetic (operators, the table's functions, `.data`,
    comparisons on the primal), so a function written for Values runs on Duals unchanged.
    """

    __slots__ = ("primal", "tangent", "label")

    def __init__(self, primal: float, tangent: float = 0.0, label: str = "") -> None:
        self.primal = primal
        self.tangent = tangent
        self.label = label  # kept, so code that labels its Values runs on Duals too

    def __repr__(self) -> str:
        return f"Dual({self.primal!r}, tangent={self.tangent!r})"

    @property
    def data(self) -> float:
        """The primal, as `Value.data` is the value (so `f` may read `x.data`)."""
        return self.primal

    def __float__(self) -> float:
        return self.primal

    def detach(self) -> Dual:
        """The same primal with a zero tangent: derivatives stop here, as `Value.detach`."""
        return Dual(self.primal, 0.0)

    # Comparisons read the primal and return bool: not differentiable (as Value's).
    def __lt__(self, other: Any) -> bool:
        return self.primal < _primal(other)

    def __le__(self, other: Any) -> bool:
        return self.primal <= _primal(other)

    def __gt__(self, other: Any) -> bool:
        return self.primal > _primal(other)

    def __ge__(self, other: Any) -> bool:
        return self.primal >= _primal(other)

    def __pow__(self, exponent: Any) -> Dual:
        if isinstance(exponent, Dual):
            return dual_apply(POWER, self, exponent)
        return dual_apply(POW, self, param=as_float(exponent, "pow"))

    def __rpow__(self, base: Any) -> Dual:
        return dual_apply(POWER, base, self)


def _primal(x: Any) -> float:
    return x.primal if isinstance(x, Dual) else as_float(x, "comparison")


def _binary(op: Op, reflected: bool = False) -> Callable[[Dual, Any], Dual]:
    if reflected:
        return lambda self, other: dual_apply(op, other, self)
    return lambda self, other: dual_apply(op, self, other)


def _unary(op: Op) -> Callable[..., Dual]:
    if op.param is None:
        return lambda self: dual_apply(op, self)

    def method(self: Dual, param: float | None = None) -> Dual:
        param = op.param_default if param is None else param
        return dual_apply(op, self, param=as_float(param, op.name))

    return method


# The operator methods and the table's functions, read from the table as Value's are.
for _dunder, _name in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("truediv", "div")):
    setattr(Dual, f"__{_dunder}__", _binary(OPS[_name]))
    setattr(Dual, f"__r{_dunder}__", _binary(OPS[_name], reflected=True))
for _dunder in ("neg", "pos", "abs"):
    setattr(Dual, f"__{_dunder}__", _unary(OPS[_dunder]))
for _op in OPS.values():
    if _op not in (POW, POWER) and callable(getattr(Value, _op.name, None)):
        setattr(Dual, _op.name, _unary(_op) if _op.arity == 1 else _binary(_op))


def dual_apply(op: Op, *operands: Dual | float, param: float | None = None) -> Dual:
    """Run `op` on Duals or numbers: the table's forward on the primals, its partials for the
    tangent. Domain errors name the op and the operands, as `Value`'s do."""
    primals, tangents = [], []
    for x in operands:
        if isinstance(x, Dual):
            primals.append(x.primal)
            tangents.append(x.tangent)
        elif is_number(x):
            primals.append(float(x))
            tangents.append(None)  # a constant: it adds nothing to the tangent
        else:
            raise TypeError(f"{op.name}: operands must be numbers or Duals (forward mode on "
                            f"numbers), got {type(x).__name__} ({reprlib.repr(x)}); to mix in "
                            "Values, give jvp (or jacobian) Values as the inputs")
    inputs = primals if param is None else [*primals, param]
    if op.check is not None and (problem := op.check(*inputs)) is not None:
        error, reason = problem
        raise error(f"{op.name}({', '.join(repr(p) for p in primals)}): {reason}")
    out = op.forward(*inputs)
    try:
        tangent = push(op.partials(FLOAT_MATH, *inputs, out), tangents)
    except ArithmeticError as error:  # e.g. sqrt'(0): the derivative is infinite there
        shown = ", ".join(repr(p) for p in primals)
        raise ZeroDivisionError(f"{op.name}({shown}): the derivative is not finite at this "
                                f"point ({error})") from None
    return Dual(out, 0.0 if tangent is None else tangent)


def apply_any(op: Op, *operands: Any, param: float | None = None) -> Any:
    """`op` on Duals (forward mode on numbers) or else on Values and numbers (`value.apply`)."""
    if any(isinstance(x, Dual) for x in operands):
        if len(operands) != op.arity:
            raise TypeError(f"{op.name}: takes {op.arity} operand(s), got {len(operands)}")
        return dual_apply(op, *operands, param=param)
    return apply(op, *operands, param=param)


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple:
    """`(f(*primals), the derivative of f at primals in the direction tangents)`: forward mode.

    Each primal is a number or Value, or a list of them; `tangents` matches its shape. `f` may
    return one value or a list. Numbers in: floats out, `f` sees `Dual`s and no graph is stored.
    Values in (a primal or a tangent): Values out, recorded, so the result can be differentiated.
    """
    primals, tangents = _checked(primals, tangents)
    flat_primals, spec = flatten_args(primals, "jvp")
    flat_tangents, tangent_spec = flatten_args(tangents, "jvp (tangents)")
    if spec != tangent_spec:
        raise ValueError(f"jvp: tangents must have the primals' shapes {_shown(spec)}, "
                         f"got {_shown(tangent_spec)}")
    if any(isinstance(x, Value) for x in (*flat_primals, *flat_tangents)):
        return _recorded_jvp(f, flat_primals, flat_tangents, spec)
    duals = [Dual(float(p), float(t)) for p, t in zip(flat_primals, flat_tangents)]
    out = f(*unflatten_args(duals, spec))
    leaves, rebuild = flatten_out(out, "jvp")
    values = [_dual_output(x, "primal") for x in leaves]
    derivatives = [_dual_output(x, "tangent") for x in leaves]
    return rebuild(values), rebuild(derivatives)


def _dual_output(x: Any, part: str) -> float:
    if isinstance(x, Dual):
        return getattr(x, part)
    if isinstance(x, Value):  # made from constants only: it does not depend on the primals
        return x.data if part == "primal" else 0.0
    return as_float(x, "jvp (f's result)") if part == "primal" else 0.0


def _recorded_jvp(f: Callable, flat_primals: list, flat_tangents: list, spec: Spec) -> tuple:
    """jvp on Values: record f, then push tangents through its order with recorded arithmetic."""
    with mode.enable_grad():
        # Each primal gets its own node (`+x`), so f(x, x) has one tangent seed per argument.
        leaves = [+x if isinstance(x, Value) else Value(x) for x in flat_primals]
        outputs, rebuild = flatten_out(f(*unflatten_args(leaves, spec)), "jvp")
        outputs = [x if isinstance(x, Value) else Value(as_float(x, "jvp (f's result)"))
                   for x in outputs]
        order = topological_order(outputs, stop_at=leaves)
        # An exact 0 seed adds nothing anywhere: leaving it out keeps the tangents' graph small.
        key = identity_key
        tangent: dict[Any, Any] = {key(x): t for x, t in zip(leaves, flat_tangents)
                                   if not (is_number(t) and t == 0)}
        for node in order:
            if node._fn is None or key(node) in tangent:
                continue
            inputs = [tangent.get(key(p)) for p in node.parents]
            if any(t is not None for t in inputs):
                found = push(local_partials(node, VALUE_MATH), inputs)
                if found is not None:
                    tangent[key(node)] = found
        # Never hand out a node of the graph (or a seed) as a tangent: `Fresh` copies those.
        fresh = Fresh([*order, *(t for t in flat_tangents if isinstance(t, Value))])
        derivatives = [fresh(tangent.get(key(x), 0.0)) for x in outputs]
    return rebuild(outputs), rebuild(derivatives)


# --- arguments and results: a number, a Value or a Dual, or a list of them ----------------------


def flatten_args(args: Sequence[Any], where: str) -> tuple[list, Spec]:
    """Every scalar of `args` in order, and their structure: each argument a number or Value,
    or a list or tuple of them (`unflatten_args` gives lists back)."""

    def scalar(x: Any, place: Place) -> Any:
        if isinstance(x, Dual):  # inside a jvp on numbers: the tangent would be lost
            raise TypeError(f"{where}: argument {position(place)[0]} is a Dual (forward mode "
                            "on numbers), which no other transform takes; give the outer jvp "
                            "(or jacobian(mode='fwd')) Values")
        if not (is_number(x) or isinstance(x, Value)):
            raise TypeError(f"{where}: argument {position(place)[0]} must be a number or Value, "
                            f"or a list of them, got {type(x).__name__} ({reprlib.repr(x)})")
        return x

    return argtree.flatten(args, scalar, depth=1, strict=False, as_lists=True, plain=float)


def unflatten_args(flat: Sequence[Any], spec: Spec) -> list:
    """The inverse of `flatten_args`: the arguments, lists where they were lists or tuples."""
    return argtree.unflatten(spec, flat)


def flatten_out(out: Any, where: str) -> tuple[list, Callable[[list], Any]]:
    """f's result as a flat list, and the function that puts a flat list back in its shape.

    A result is a scalar, or a list or tuple of results (a Jacobian's rows, a tuple per
    argument); a subclass of either comes back as a list.
    """
    leaves, spec = argtree.flatten((out,), _any, strict=False)
    return leaves, lambda flat: argtree.unflatten(spec, flat)[0]


def _any(x: Any, place: Place) -> Any:
    return x


def _checked(primals: Any, tangents: Any) -> tuple[list, list]:
    for what, given in (("primals", primals), ("tangents", tangents)):
        if not isinstance(given, (list, tuple)):
            raise TypeError(f"jvp: {what} must be a tuple of arguments, e.g. (x,), got "
                            f"{type(given).__name__} ({reprlib.repr(given)})")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    return list(primals), list(tangents)


def _shown(spec: Spec) -> str:
    return "(" + ", ".join("number" if n is None else f"list of {n}"
                           for n in argtree.lengths(spec)) + ")"
