"""Rules printed from the table: every op renders, and the text computes what the table computes."""

from __future__ import annotations

import ast
import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS
from autograd.core.ops import FLOAT_MATH
from autograd.introspect.symbolic import (
    SYMBOLIC_MATH,
    Expr,
    Sym,
    forward_expr,
    number_text,
    partial_exprs,
    rule_texts,
)

FUNCTIONS = {name: getattr(FLOAT_MATH, name) for name in vars(FLOAT_MATH) if name[0] != "_"}
FUNCTIONS |= {op.symbol: op.forward for op in OPS.values() if op.symbol.isidentifier()}
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
          ast.Div: operator.truediv, ast.Pow: operator.pow}


def compute(text: str, env: dict[str, float]) -> float:
    """Evaluate printed math as Python would parse it (an ast walk over a tiny grammar)."""
    def walk(node: ast.AST) -> float:  # test-only: printed rules are a few nodes deep
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand) if isinstance(node.op, ast.USub) else walk(node.operand)
        if isinstance(node, ast.BinOp):
            return BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](*[walk(a) for a in node.args])
        raise AssertionError(f"unexpected {ast.dump(node)}")
    return walk(ast.parse(text, mode="eval").body)


def sample(draw, domain) -> float:
    low, high = draw(st.sampled_from(domain.ranges))
    return draw(st.floats(low, high))


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
@given(data=st.data())
def test_every_rule_renders_and_computes_the_tables_partials(op, data):
    inputs = [sample(data.draw, domain) for domain in op.smooth]
    param = sample(data.draw, op.param_domain) if op.param else None
    names = ["a", "b"][: op.arity]
    env = dict(zip(names, inputs))
    args = inputs + ([param] if param is not None else [])
    env["out"] = out = op.forward(*args)
    texts = rule_texts(op, names, "out", param)
    assert len(texts) == op.arity
    expected = op.partials(FLOAT_MATH, *args, out)
    for name, text, number in zip(names, texts, expected):
        top, _, rhs = text.partition(" = ")
        assert top.endswith(f"/d{name}") and top.startswith("d(")
        assert compute(top[2:-len(f")/d{name}")], env) == pytest.approx(out, rel=1e-12)
        assert compute(rhs, env) == pytest.approx(number, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(("op", "param", "expected"), [
    ("mul", None, ("d(x*w)/dx = w", "d(x*w)/dw = x")),
    ("div", None, ("d(x/w)/dx = 1/w", "d(x/w)/dw = -out/w")),
    ("sub", None, ("d(x - w)/dx = 1", "d(x - w)/dw = -1")),
    ("pow", 2.0, ("d(x**2)/dx = 2*x",)),
    ("pow", 0.5, ("d(x**0.5)/dx = 0.5*x**(-0.5)",)),
    ("pow", -1.0, ("d(x**(-1))/dx = -x**(-2)",)),
    ("tanh", None, ("d(tanh(x))/dx = 1 - out*out",)),
    ("sigmoid", None, ("d(sigmoid(x))/dx = out*(1 - out)",)),
    ("leaky_relu", 0.01, ("d(leaky_relu(x, 0.01))/dx = 0.01 + 0.99*step(x)",)),
    ("neg", None, ("d(-x)/dx = -1",)),
])
def test_rules_read_like_math(op, param, expected):
    names = ["x", "w"][: OPS[op].arity]
    assert rule_texts(OPS[op], names, "out", param) == expected


def test_default_names_are_a_b_and_out():
    assert rule_texts(OPS["div"]) == ("d(a/b)/da = 1/b", "d(a/b)/db = -out/b")
    with pytest.raises(ValueError, match="mul: expected 2 operand names"):
        rule_texts(OPS["mul"], ["x"])
    with pytest.raises(ValueError, match="pow: parameter 'k'"):
        partial_exprs(OPS["pow"], ["x"])


def test_forward_uses_operators_or_the_ops_symbol():
    assert str(forward_expr(OPS["pow"], ["x"], 3.0)) == "x**3"
    assert str(forward_expr(OPS["pow"], ["x"], 1.0)) == "x**1"  # the forward is never simplified
    assert str(forward_expr(OPS["relu"], ["x"])) == "relu(x)"
    compound = forward_expr(OPS["add"], ["x", "w"])
    assert str(forward_expr(OPS["mul"], [compound, "b"])) == "(x + w)*b"
    assert str(forward_expr(OPS["neg"], [Sym("-2", 3)])) == "-(-2)"


def test_only_unary_minus_simplifies():
    x = Sym("x")
    minus, plus = -x, +x
    assert str(-minus) == "x" and str(-plus) == "-(+x)" and str(+minus) == "+(-x)"
    assert str(+plus) == "+(+x)" and str(Sym("a") + minus) == "a - x"
    assert str(Sym("a") + +x) == "a + (+x)"  # `+x` is a node of its own, never dropped


def test_forwards_print_their_operands_unsimplified():
    # A node's name is its forward: simplifying it would name two different nodes alike.
    minus_a, minus_b = -Sym("a"), -Sym("b")
    assert str(forward_expr(OPS["neg"], [minus_a])) == "-(-a)"
    assert str(forward_expr(OPS["sub"], ["a", minus_b])) == "a - (-b)"
    assert str(forward_expr(OPS["add"], ["a", minus_b])) == "a + (-b)"
    assert str(forward_expr(OPS["mul"], [minus_a, minus_b])) == "-a*-b"
    assert rule_texts(OPS["sub"], ["a", minus_b]) == ("d(a - (-b))/da = 1",
                                                      "d(a - (-b))/d(-b) = -1")


def test_simplifications():
    x, y = Sym("x"), Sym("y")
    assert str(1.0 * x) == "x" and str(x * 1.0) == "x" and str(x * -1.0) == "-x"
    assert str(0.0 * x) == "0" and str(x + 0.0) == "x" and str(0.0 - x) == "-x"
    assert str(x + -y) == "x - y" and str(x - -y) == "x + y"
    minus_x = -x
    assert str(-minus_x) == "x"
    assert str((x**y) ** 2.0) == "(x**y)**2" and str(x ** (y**2.0)) == "x**y**2"
    assert str((-x) ** 2.0) == "(-x)**2" and str(-(x**2.0)) == "-x**2" and str(x**-y) == "x**(-y)"
    assert str(x - (y - 1.0)) == "x - (y - 1)" and str(x / (y * 2.0)) == "x/(y*2)"
    assert str(x / 1.0) == "x" and str(x**1.0) == "x" and str(x**0.0) == "1"
    assert str(SYMBOLIC_MATH.exp(x)) == "exp(x)" and str(2.0 * 3.0 - x) == "6 - x"
    assert number_text(0.5) == "0.5" and number_text(-1.0) == "-1" and number_text(1e20) == "1e+20"


# Random expression trees, evaluated two ways: on floats, and by printing then parsing.
LEAVES = st.sampled_from(["x", "y", 2.0, 0.5, -3.0, 1.0, 0.0])
UNARY = [operator.neg, lambda e: SYMBOLIC_MATH.sin(e) if isinstance(e, Expr) else math.sin(e)]
OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


@st.composite
def trees(draw, depth: int = 4):
    """A program: leaves and (operator, left, right) / (unary, child) tuples."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(LEAVES)
    if draw(st.booleans()):
        return (draw(st.sampled_from(UNARY)), draw(trees(depth - 1)))
    return (draw(st.sampled_from(OPERATORS)), draw(trees(depth - 1)), draw(trees(depth - 1)))


def run_tree(tree, leaf):
    if not isinstance(tree, tuple):
        return leaf(tree)
    f, *children = tree
    return f(*[run_tree(c, leaf) for c in children])


@given(trees(), st.floats(0.5, 2.0), st.floats(0.5, 2.0))
def test_printing_keeps_precedence(tree, x, y):
    env = {"x": x, "y": y}
    try:
        expected = run_tree(tree, lambda t: env[t] if isinstance(t, str) else t)
    except (ArithmeticError, ValueError, TypeError):
        return  # 0/0, a complex power, an overflow: nothing to print
    if isinstance(expected, complex) or not math.isfinite(expected):
        return
    expr = run_tree(tree, lambda t: Sym(t) if isinstance(t, str) else t)
    text = str(expr)
    try:
        printed = compute(text, env)
    except (ArithmeticError, ValueError, TypeError):
        return  # a folded constant overflowed differently: the text itself is still correct
    if isinstance(printed, complex):
        return
    assert printed == pytest.approx(expected, rel=1e-9, abs=1e-9), text
