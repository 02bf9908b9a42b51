"""The Tutor's Python side: an expression through the real engine, one backprop step at a time.

The page sends JSON and gets JSON back. The expression goes through the CLI's safe parser
(`autograd.tools.parser.parse`: nothing typed is run by Python), the steps and their chain-rule text
come from `backward_steps`, and the drawing of step k is `to_dot(root, step=step_k)`, which the
page renders with Graphviz compiled to WebAssembly.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Callable
from typing import Any

from autograd import Value, backward_steps, no_grad
from autograd.ops import FUNCTIONS
from autograd.tools.parser import ExpressionError, parse
from autograd.viz import to_dot

PRESETS = [
    {"title": "the README's neuron: tanh(x*w + b)", "expr": "tanh(x*w + b)",
     "values": {"x": 2.0, "w": -3.0, "b": 6.8813735870195432}},
    {"title": "a two-layer net on one point",
     "expr": "sigmoid(v1*tanh(w1*x + b1) + v2*tanh(w2*x + b2) + c)",
     "values": {"v1": 1.5, "w1": 0.8, "x": 0.5, "b1": -0.2, "v2": -1.0, "w2": -1.2,
                "b2": 0.3, "c": 0.1}},
    {"title": "softmax on two logits (the first's probability)",
     "expr": "exp(z1) / (exp(z1) + exp(z2))", "values": {"z1": 1.0, "z2": -0.5}},
    {"title": "logistic loss", "expr": "log(1 + exp(-y*(w*x)))",
     "values": {"y": 1.0, "w": 0.5, "x": 2.0}},
]
DEFAULT_VALUE = 1.0  # a new variable's value until the learner sets one
DIGITS = 12
"""Numbers are shown to 12 significant digits: the browser's math library (musl's, in Pyodide)
may round a last bit differently from CPython's (tanh(0.8813735870195432) is one ulp apart),
and 12 digits hide that one-ulp difference while showing every digit that means anything."""


def shown(x: float) -> str:
    """A number as the page prints it: 12 significant digits, at most."""
    return f"{x:.{DIGITS}g}"


class Run:
    """One forward and stepped backward pass: what the stepper shows, and each step's drawing."""

    def __init__(self, root: Value, leaves: dict[str, Value]) -> None:
        self.root, self.leaves = root, leaves
        root.zero_grad()
        self.steps = []
        for step in backward_steps(root):  # texts and the inputs' gradients after each step
            self.steps.append({"heading": step.heading, "text": str(step),
                               "grads": {name: shown(v.grad) for name, v in leaves.items()}})

    def dot(self, k: int) -> str:
        """The DOT of the graph as it is after step k, that step's node and edges marked."""
        self.root.zero_grad()
        for step in backward_steps(self.root):
            if step.index == k:
                return to_dot(self.root, step=step, edge_labels=True)
        raise IndexError(f"there is no step {k}: the pass has {len(self.steps)} steps")


_current: dict[str, Run] = {}


def presets(request: str) -> str:
    """The presets the page offers, as JSON."""
    return json.dumps(PRESETS)


def run(request: str) -> str:
    """`{"expr", "values"}` in, the pass out (or `{"ok": false, "error"}`): JSON both ways."""
    asked = json.loads(request)
    return json.dumps(tutor(asked["expr"], asked.get("values", {}), asked.get("slot", "tutor")))


def tutor(text: str, values: dict[str, Any], slot: str = "tutor") -> dict[str, Any]:
    """Parse, evaluate and step through `text` at `values` (missing names get 1.0)."""
    try:
        expression = parse(text)
    except ExpressionError as error:
        return {"ok": False, "error": str(error), "names": []}
    names = list(expression.names)
    used = {name: values.get(name, DEFAULT_VALUE) for name in names}
    out: dict[str, Any] = {"names": names, "values": used}
    try:
        leaves = {name: Value(_number(name, used[name]), name) for name in names}
        root = expression.evaluate(leaves)
        current = Run(root, leaves)
    except (ExpressionError, ArithmeticError, ValueError) as error:
        return {**out, "ok": False, "error": str(error)}
    _current[slot] = current
    numbers = {name: leaf.data for name, leaf in leaves.items()}
    return {**out, "ok": True, "value": shown(root.data), "steps": current.steps,
            "fd": {name: finite_difference(expression.evaluate, numbers, name) for name in names},
            "python": as_python(text, numbers)}


def draw(request: str) -> str:
    """`{"slot", "k"}` in, the DOT of that step out (as a JSON string)."""
    asked = json.loads(request)
    return json.dumps(dot(asked.get("slot", "tutor"), int(asked["k"])))


def dot(slot: str, k: int) -> str:
    """The DOT of step k of the last run in `slot` ("tutor", or the Playground's "sample")."""
    return _current[slot].dot(k)


def keep(slot: str, root: Value, leaves: dict[str, Value]) -> Run:
    """Step through `root` (a graph made elsewhere: one sample's loss) and keep it in `slot`."""
    _current[slot] = Run(root, leaves)
    return _current[slot]


def _number(name: str, x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ExpressionError(f"{name}: the value must be a finite number, got {x!r}")
    return float(x)


def finite_difference(f: Callable[[dict], Value], at: dict[str, float], name: str) -> str | None:
    """d f / d name by central differences (h scaled to the value), or None where f fails."""
    h = 1e-6 * max(1.0, abs(at[name]))
    try:
        with no_grad():
            up = f({**at, name: at[name] + h}).data
            down = f({**at, name: at[name] - h}).data
    except (ExpressionError, ArithmeticError, ValueError):
        return None  # at the edge of a domain (log at 1e-7, say)
    return shown((up - down) / (2 * h))


def as_python(text: str, values: dict[str, float]) -> str:
    """Lines that rebuild the same graph in a REPL: the same ops on the same numbers.

    Constant parts are folded to the number the parser computes (so the graph is the same),
    functions become Value methods (`tanh(a)` is `a.tanh()`), and the import and the result
    are renamed if a variable already has their name.
    """
    expression = parse(text)
    names = list(expression.names)
    value_name = _free("Value", names)
    out = _free("out", names)
    body = _methods(expression.tree)
    lines = [f"from autograd import Value{'' if value_name == 'Value' else ' as ' + value_name}"]
    lines += [f"{name} = {value_name}({values[name]!r}, {name!r})" for name in names]
    formula = ast.unparse(body) if names else f"{value_name}({ast.unparse(body)})"
    lines += [f"{out} = {formula}", f"{out}.backward()",
              ", ".join([f"{out}.data"] + [f"{name}.grad" for name in names])]
    return "\n".join(lines) + "\n"


def _free(name: str, taken: list[str]) -> str:
    while name in taken:
        name += "_"
    return name


def _methods(tree: ast.expr) -> ast.expr:
    """The checked tree with calls as methods and constant parts folded (parse bounds its depth)."""

    class Rewrite(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            if isinstance(node, ast.expr) and not _has_names(node):
                return _constant(parse(ast.unparse(node)).evaluate({}).data)
            return super().visit(node)

        def visit_Call(self, node: ast.Call) -> ast.AST:
            op = FUNCTIONS[node.func.id]
            args = [self.visit(arg) for arg in node.args]
            if op.param and len(args) == 1:
                args.append(_constant(op.param_default))
            return ast.Call(ast.Attribute(args[0], op.name, ast.Load()), args[1:], [])

    return Rewrite().visit(tree)


def _has_names(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id not in FUNCTIONS for n in ast.walk(node))


def _constant(x: float) -> ast.expr:
    if math.copysign(1.0, x) < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-x))
    return ast.Constant(x)
