"""`topological_order` and `edges`: parents first, each node once, operand order stable."""

from __future__ import annotations

from autograd_checks import assert_topological, shape
from hypothesis import given

from autograd import Value, edges, topological_order
from autograd.tools.testing import expressions


@given(expressions())
def test_parents_precede_children_on_random_graphs(expr):
    out = expr(*expr.point)
    assert_topological(topological_order(out), out)


@given(expressions())
def test_order_is_the_same_run_to_run(expr):
    assert shape(expr(*expr.point)) == shape(expr(*expr.point))


def test_the_checker_itself_rejects_bad_orders():
    a = Value(1.0)
    b = a * 2.0
    c = b + a
    order = topological_order(c)
    assert_topological(order, c)
    for bad in (order[::-1], order + [a], [n for n in order if n is not b]):
        try:
            assert_topological(bad, c)
        except AssertionError:
            continue
        raise AssertionError(f"accepted a bad order: {bad}")


def test_first_operand_comes_first():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    assert [n.label for n in topological_order(x - y)[:2]] == ["x", "y"]
    assert [n.label for n in topological_order(y - x)[:2]] == ["y", "x"]


def test_diamond_lists_each_node_once():
    a = Value(1.0)
    b, c = a * 2.0, a.exp()
    d = b * c + a
    order = topological_order(d)
    assert_topological(order, d)
    assert sum(n is a for n in order) == 1
    assert order == [a, b.parents[1], b, c, d.parents[0], d]  # depth first, operands in order


def test_several_roots_share_ancestors():
    a = Value(1.0)
    r1, r2 = a.sin(), a.cos()
    order = topological_order([r1, r2])
    assert order == [a, r1, r2]


def test_stop_at_does_not_follow_parents():
    a = Value(1.0)
    b = a.exp()
    c = b * b
    assert topological_order(c, stop_at=[b]) == [b, c]


def test_edges_count_reused_operands_twice():
    a = Value(1.0)
    s = a + a
    assert edges(topological_order(s)) == [(a, s, 0), (a, s, 1)]


def _reference_order(roots: list[Value], seen: set[Value]) -> list[Value]:
    """The definition, written plainly: visit(n) = visit each new parent in operand order, then n.

    A stack of (node, parents still to look at) stands in for recursion; it reads `parents`.
    """
    order: list[Value] = []
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, list(root.parents))]
        while stack:
            node, todo = stack[-1]
            while todo and todo[0] in seen:
                todo.pop(0)
            if todo:
                parent = todo.pop(0)
                seen.add(parent)
                stack.append((parent, list(parent.parents)))
            else:
                stack.pop()
                order.append(node)
    return order


@given(expressions(), expressions())
def test_order_is_the_plain_depth_first_post_order(one, other):
    """The walk reads the parent slots directly; it must list exactly what the definition does."""
    first, second = one(*one.point), other(*other.point)
    shared = first * second + first  # reuse: nodes reached twice, by two paths
    assert topological_order(shared) == _reference_order([shared], set())
    assert topological_order([first, shared]) == _reference_order([first, shared], set())
    inner = first.parents[0] if first.parents else first
    assert topological_order(shared, stop_at=[inner]) == (
        [inner] + _reference_order([shared], {inner}))


def test_order_on_reused_operands_and_unary_chains():
    x = Value(0.5, "x")
    y = (x * x).exp() + x
    z = (y - y.tanh()) * (-y) ** 2
    assert topological_order(z) == _reference_order([z], set())
    assert topological_order(x) == [x]
