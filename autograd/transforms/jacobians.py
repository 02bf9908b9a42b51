"""`vjp`, `jacobian`, `hessian` and `hvp`: reverse and forward mode composed, JAX-style.

An argument is a number or a Value, or a list of them (a vector); `f` returns one value or a
list. Numbers in: floats (nested lists of floats) out. Values in: Values out, with their graph.
Reverse mode costs one backward pass per output, forward mode one forward pass per input.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from autograd.core.backward import Fresh, gradients
from autograd.core.combine import sum_of
from autograd.core.identity import identity_key
from autograd.core.mode import enable_grad
from autograd.core.scalar import as_float, is_number
from autograd.core.value import Value
from autograd.transforms.argnums import normalize_argnums, one_position
from autograd.transforms.argtree import Spec, lengths
from autograd.transforms.forward import Dual, flatten_args, flatten_out, jvp, unflatten_args
from autograd.transforms.functional import nesting

ArgNums = int | tuple[int, ...]
Shape = int | None  # an argument's length if it is a list; None for a single number


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple]]:
    """`(f(*primals), pullback)`: `pullback(cotangent)` gives cotangent * df/d(primal), per primal.

    f is run and recorded once; `pullback` may be called any number of times (one backward pass
    each). The cotangent has the shape of f's result (a number, or a list for a list).
    """
    recorded = _Recorded(f, primals)
    outputs = recorded.outputs

    def pullback(cotangent: Any) -> tuple:
        seeds, _ = flatten_out(cotangent, "vjp")
        if len(seeds) != len(outputs):
            raise ValueError(f"vjp: the cotangent needs {len(outputs)} entries (f's result's "
                             f"shape), got {len(seeds)} ({reprlib.repr(cotangent)})")
        for c in seeds:
            if not isinstance(c, Value):
                as_float(c, "vjp (cotangent)")
        return recorded.pull(zip(outputs, seeds))

    return recorded.value, pullback


class _Recorded:
    """f run once on fresh leaves, recorded: what `vjp` and reverse-mode `jacobian` pull back."""

    def __init__(self, f: Callable[..., Any], primals: Sequence[Any]) -> None:
        flat, self.spec = flatten_args(primals, "vjp")
        # Values in, or inside a grad's f (whose Values f may capture): then gradients are
        # Values with a graph, exactly as `grad` decides.
        self.traced = nesting.get() > 0 or any(isinstance(x, Value) for x in flat)
        with enable_grad():
            self.leaves = [+x if isinstance(x, Value) else Value(x) for x in flat]
            out = f(*unflatten_args(self.leaves, self.spec))
        self.outputs, self.rebuild = flatten_out(out, "vjp")
        for x in self.outputs:
            if not isinstance(x, Value):
                as_float(x, "vjp (f's result)")  # raises unless it is a number (a constant)
        self.value = self.rebuild([x if self.traced or not isinstance(x, Value) else x.data
                                   for x in self.outputs])

    def pull(self, seeded: Iterable[tuple[Any, Any]]) -> tuple:
        """sum_i c_i * d out_i / d(primal) for (out_i, c_i), in one backward pass, per primal."""
        leaves, traced = self.leaves, self.traced
        # Outputs seeded with an exact 0 (or constant outputs) add nothing: leave them out.
        pairs = [(x, c) for x, c in seeded
                 if isinstance(x, Value) and not (is_number(c) and c == 0)]
        grads: dict = {}
        if len(pairs) == 1:
            (root, seed), = pairs
            grads = gradients(root, seed, create_graph=traced, inputs=leaves)[1]
        elif pairs:  # one pass for all outputs: the root sum_i c_i * out_i
            with enable_grad():
                root = sum_of([x * c for x, c in pairs])
            grads = gradients(root, 1.0, create_graph=traced, inputs=leaves)[1]
        found = [grads.get(identity_key(x), 0.0) for x in leaves]
        if traced:
            fresh = Fresh(leaves)
            with enable_grad():
                found = [fresh(g) for g in found]
        return tuple(unflatten_args(found, self.spec))


def jacobian(f: Callable[..., Any], argnums: ArgNums = 0, mode: str = "rev") -> Callable:
    """The Jacobian of `f` with respect to the arguments at `argnums`: `J[i][j] = d out_i / d x_j`.

    A number output or argument drops its axis (a number in, a number out gives a float); a
    tuple `argnums` gives a tuple of Jacobians. `mode="rev"` runs one backward pass per output
    (wins with few outputs), `mode="fwd"` one forward pass per input (wins with few inputs).
    """
    normalize_argnums(argnums, fn="jacobian")  # its type now; its positions at each call
    if mode not in ("rev", "fwd"):
        raise ValueError(f"jacobian: mode must be 'rev' or 'fwd', got {mode!r}")

    def wrapped(*args: Any) -> Any:
        g, diff = _restricted(f, args, argnums, "jacobian")
        flat, spec = flatten_args(diff, "jacobian")
        if not flat:
            raise ValueError("jacobian: nothing to differentiate (the arguments are empty lists)")
        rows, rebuild = (_rows_rev if mode == "rev" else _rows_fwd)(g, diff, flat, spec)
        blocks = [rebuild([_shaped(row[start:start + _width(size)], size) for row in rows])
                  for start, size in _spans(lengths(spec))]
        return blocks[0] if one_position(argnums) else tuple(blocks)

    return wrapped


def _rows_rev(g: Callable, diff: list, flat: list, spec: Spec) -> tuple[list, Callable]:
    """One backward pass per output: row i is d out_i / d(every input)."""
    recorded = _Recorded(g, diff)
    rows = [flatten_args(recorded.pull([(x, 1.0)]), "jacobian")[0] for x in recorded.outputs]
    return rows, recorded.rebuild


def _rows_fwd(g: Callable, diff: list, flat: list, spec: Spec) -> tuple[list, Callable]:
    """One jvp per input: column j is d(every output) / d x_j."""
    columns, rebuild = [], None
    for j in range(len(flat)):
        direction = unflatten_args([1.0 if k == j else 0.0 for k in range(len(flat))], spec)
        _, tangent = jvp(g, diff, direction)
        column, rebuild = flatten_out(tangent, "jacobian")
        columns.append(column)
    return [list(row) for row in zip(*columns)], rebuild


def hessian(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable:
    """Second derivatives of a scalar `f`: `H[i][j] = d2f / dx_i dx_j` (forward over reverse).

    With a tuple `argnums`, `H[a][b]` is the block for arguments a and b. Numbers in: floats out.
    """
    normalize_argnums(argnums, fn="hessian")  # its type now; its positions at each call

    def wrapped(*args: Any) -> Any:
        g, diff = _restricted(f, args, argnums, "hessian")
        lifted, numbers = _lifted(diff, "hessian")
        flat, spec = flatten_args(lifted, "hessian")
        gradient = _gradient_of(g)
        columns = []  # column j: the derivative of the whole gradient in direction x_j
        for j in range(len(flat)):
            direction = unflatten_args([1.0 if k == j else 0.0 for k in range(len(flat))], spec)
            columns.append(flatten_args(jvp(gradient, lifted, direction)[1], "hessian")[0])
        spans = _spans(lengths(spec))
        blocks = tuple(
            tuple(_shaped([_shaped([columns[c][r] for c in range(cs, cs + _width(m))], m)
                           for r in range(rs, rs + _width(n))], n) for cs, m in spans)
            for rs, n in spans)
        found = blocks[0][0] if one_position(argnums) else blocks
        return _floats(found) if numbers else found

    return wrapped


def hvp(f: Callable[..., Any], primals: Sequence[Any], vector: Sequence[Any]) -> tuple:
    """The Hessian of a scalar `f` at `primals` times `vector`, without building the Hessian.

    One forward pass over the gradient's graph (forward over reverse): the cost of a few
    gradients, whatever the number of inputs. The result has the primals' shape, one per primal.
    """
    if not isinstance(primals, (list, tuple)):
        raise TypeError(f"hvp: primals must be a tuple of arguments, e.g. (x,), got "
                        f"{type(primals).__name__} ({reprlib.repr(primals)})")
    lifted, numbers = _lifted(list(primals), "hvp")
    _, product = jvp(_gradient_of(f), lifted, vector)
    return _floats(product) if numbers else product


def _gradient_of(f: Callable) -> Callable[..., tuple]:
    """The gradient of a scalar f with respect to all its arguments, as a tuple per argument."""
    return lambda *xs: vjp(f, *xs)[1](1.0)


def _lifted(args: list, where: str) -> tuple[list, bool]:
    """The arguments with every number made a Value (forward over reverse needs a graph), and
    whether they were all numbers outside any grad (then the caller gives floats back)."""
    flat, spec = flatten_args(args, where)
    numbers = nesting.get() == 0 and not any(isinstance(x, Value) for x in flat)
    return unflatten_args([x if isinstance(x, Value) else Value(x) for x in flat], spec), numbers


def _floats(tree: Any) -> Any:
    """Every Value of a (shallow) nest of lists and tuples replaced by its float."""
    leaves, rebuild = flatten_out(tree, "hessian")
    return rebuild([x.data if isinstance(x, Value) else x for x in leaves])


def _restricted(f: Callable, args: tuple, argnums: ArgNums, where: str) -> tuple:
    """f as a function of the arguments at `argnums` only, and those arguments."""
    positions = normalize_argnums(argnums, len(args), fn=where)

    def g(*xs: Any) -> Any:
        # Other number arguments become constants of the same kind as the differentiated ones
        # (as `grad` makes every number a leaf), so f may call Value methods on any argument.
        flat = [y for x in xs for y in (x if isinstance(x, list) else [x])]
        kind = Dual if any(isinstance(x, Dual) for x in flat) else Value
        merged = [kind(x) if is_number(x) else x for x in args]
        for i, x in zip(positions, xs):
            merged[i] = x
        return f(*merged)

    return g, [args[i] for i in positions]


def _spans(shapes: list[Shape]) -> list[tuple[int, Shape]]:
    """(start in the flat inputs, shape) for each argument."""
    spans, at = [], 0
    for shape in shapes:
        spans.append((at, shape))
        at += _width(shape)
    return spans


def _shaped(entries: list, shape: Shape) -> Any:
    """A number argument's single entry, or a list argument's entries as a list."""
    return entries[0] if shape is None else list(entries)


def _width(shape: Shape) -> int:
    return 1 if shape is None else shape
