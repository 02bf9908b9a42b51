"""The graphs `check_engine` runs: small straight-line programs, run alike on two engines.

A `Program` names its inputs, makes one node per line and calls `backward()` once or more. The
learner's `Value` class and stepgrad's run the very same program, operand for operand, so node
`i` of one run is node `i` of the other; `source()` writes it as the Python a learner would type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Num:
    """A plain number operand: `x + 2.0`, or on the left, `2.0 - x` (a reflected form)."""

    value: float


@dataclass(frozen=True)
class Leaf:
    """A constant made as a Value leaf inline, `x * Value(0.5)`: no number handling needed."""

    value: float


Operand = int | Num | Leaf  # an int is the index of an earlier node (inputs first)

SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
FUNCTIONS = ("exp", "log", "tanh", "relu", "sigmoid")
CATALOG_OPS = ("add", "sub", "mul", "div", "pow", "neg", *FUNCTIONS)
"""The ops `check_engine` knows, as the catalog names them."""

METHODS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__",
           "pow": "__pow__", "neg": "__neg__", **{f: f for f in FUNCTIONS}}
"""The method of a micrograd-style class that each op calls."""

REFLECTED = {"add": "__radd__", "sub": "__rsub__", "mul": "__rmul__", "div": "__rtruediv__"}


@dataclass(frozen=True)
class Line:
    """One node: `op` applied to operands (pow's exponent is `param`)."""

    op: str
    operands: tuple[Operand, ...]
    param: float | None = None


@dataclass(frozen=True)
class Program:
    """Inputs `(name, value)`, one node per line (the last is the output), `passes` backwards."""

    inputs: tuple[tuple[str, float], ...]
    lines: tuple[Line, ...]
    passes: int = 1

    @property
    def names(self) -> list[str]:
        """Every node's name: the inputs', then t1, t2, ... and `out` for the last line."""
        made = [f"t{i + 1}" for i in range(len(self.lines) - 1)] + ["out"]
        return [name for name, _ in self.inputs] + made

    def text(self, line: Line, cls: str = "Value", names: list[str] | None = None) -> str:
        """A line's right-hand side as Python: `x * y`, `2.0 - x`, `t1 ** 2.0`, `t2.tanh()`."""
        names = self.names if names is None else names
        args = [names[x] if isinstance(x, int) else
                repr(x.value) if isinstance(x, Num) else f"{cls}({x.value!r})"
                for x in line.operands]
        if line.op in SYMBOLS:
            return f"{args[0]} {SYMBOLS[line.op]} {args[1]}"
        if line.op == "pow":
            return f"{args[0]} ** {line.param!r}"
        if line.op == "neg":
            return f"-{args[0]}"
        return f"{args[0]}.{line.op}()"

    def source(self, cls: str = "Value") -> str:
        """The program as Python: inputs, one assignment per node, the backward call(s)."""
        names = self.names
        lines = [f"{name} = {cls}({value!r})" for name, value in self.inputs]
        lines += [f"{names[len(self.inputs) + i]} = {self.text(line, cls, names)}"
                  for i, line in enumerate(self.lines)]
        lines += ["out.backward()"] * self.passes
        return "\n".join(lines)


@dataclass
class Run:
    """What one engine did with a program: each node's data, and its grad after each pass."""

    nodes: list[Any] = field(default_factory=list)  # the engine's objects, inputs first
    leaves: dict[tuple[int, int], Any] = field(default_factory=dict)  # (line, operand): Leaf
    data: list[float | None] = field(default_factory=list)
    grads: list[list[float | None]] = field(default_factory=list)  # per pass, per node
    error: BaseException | None = None
    where: str = ""  # "t2 = x / y" or "backward() call 1": where `error` was raised

    @property
    def failed(self) -> str | None:
        """`TypeError: ... (at t2 = x / y)`, or None if the program ran to its end."""
        if self.error is None:
            return None
        return f"{type(self.error).__name__}: {self.error} (at {self.where})"


def run(cls: type, program: Program) -> Run:
    """Run `program` on `cls` (a Value class); any exception is recorded, never raised."""
    done = Run()
    names = program.names
    try:
        done.where = "making the inputs"
        done.nodes = [cls(value) for _, value in program.inputs]
        for i, line in enumerate(program.lines):
            done.where = (f"{names[len(program.inputs) + i]} = "
                          f"{program.text(line, cls.__name__, names)}")
            operands = []
            for k, x in enumerate(line.operands):
                if isinstance(x, int):
                    operands.append(done.nodes[x])
                elif isinstance(x, Num):
                    operands.append(x.value)
                else:
                    done.leaves[i, k] = cls(x.value)
                    operands.append(done.leaves[i, k])
            done.nodes.append(_apply(line, operands))
        done.data = [_number(node, "data") for node in done.nodes]
        for k in range(program.passes):
            done.where = f"backward() call {k + 1}"
            done.nodes[-1].backward()
            done.grads.append([_number(node, "grad") for node in done.nodes])
    except Exception as error:  # noqa: BLE001 - whatever the learner's code raises is a result
        done.error = error
    return done


def _apply(line: Line, operands: list[Any]) -> Any:
    op = line.op
    if op == "add":
        return operands[0] + operands[1]
    if op == "sub":
        return operands[0] - operands[1]
    if op == "mul":
        return operands[0] * operands[1]
    if op == "div":
        return operands[0] / operands[1]
    if op == "pow":
        return operands[0] ** line.param
    if op == "neg":
        return -operands[0]
    return getattr(operands[0], op)()


def _number(node: Any, attribute: str) -> float | None:
    """`node.data` or `node.grad` as a float; None if it is missing or not a number."""
    try:
        return float(getattr(node, attribute))
    except Exception:  # noqa: BLE001 - a missing or odd attribute is what we report
        return None


def close(expected: float | None, got: float | None) -> bool:
    """Equal up to rounding: different but right formulas (tanh from exp) differ in last bits."""
    if expected is None or got is None:
        return expected is got
    if not (math.isfinite(expected) and math.isfinite(got)):
        return expected == got
    return abs(expected - got) <= 1e-6 * max(1.0, abs(expected), abs(got))
