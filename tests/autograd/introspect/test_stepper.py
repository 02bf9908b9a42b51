"""The stepper: same numbers as backward(), a partly propagated graph midway, readable text."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Value, backward_steps, gradients, local_partials, topological_order
from autograd.introspect.stepper import Contribution, Step
from autograd.tools.testing import expressions


def neuron() -> tuple[Value, Value, Value, Value, Value]:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return x, w, b, n, o


@st.composite
def graphs(draw) -> tuple[Value, list[Value]]:
    """A random DAG over every op in the table (`autograd.testing.expressions`: reuse, diamonds,
    `a*a`), some nodes labelled, every node carrying a random starting grad."""
    expr = draw(expressions(max_variables=4, max_steps=12))
    inputs = [Value(x, name) for x, name in zip(expr.point, expr.variables)]
    root = expr(*inputs)
    for i, node in enumerate(topological_order(root)):
        if node.parents and draw(st.booleans()):
            node.label = f"v{i}"
        node.grad = draw(st.sampled_from([0.0, 0.0, -0.0, 1.5, -0.25]))
    return root, inputs


def grads_of(root: Value) -> list:
    return [node.grad for node in topological_order(root)]


def exactly(grads: list) -> list[str]:
    """Grads compared bit for bit: `repr` tells 0.0 from -0.0 (and `==` does not)."""
    return [repr(g) for g in grads]


def set_grads(root: Value, grads: list) -> None:
    for node, g in zip(topological_order(root), grads):
        node.grad = g


@given(graphs())
def test_finished_pass_equals_backward_exactly(graph):
    root, _ = graph
    start = grads_of(root)
    root.backward()
    root.backward()
    expected = grads_of(root)
    set_grads(root, start)
    for _ in range(2):
        for _ in backward_steps(root):
            pass
    assert exactly(grads_of(root)) == exactly(expected)  # twice accumulated, for every node


@given(expressions(ops=OPS.values()))
def test_finished_pass_equals_backward_on_random_expressions(expr):
    leaves = [Value(x) for x in expr.point]
    root = expr(*leaves)
    root.backward()
    expected = grads_of(root)
    root.zero_grad()
    for _ in backward_steps(root):
        pass
    assert exactly(grads_of(root)) == exactly(expected)


@pytest.mark.parametrize("seed", [1.0, -0.0])
def test_a_zero_gradient_keeps_backwards_sign(seed):
    # relu'(-1) is 0.0, times the upstream -1.0 is -0.0: backward() adds it to a 0.0 slot (and
    # then to .grad), which gives +0.0; the stepper must do the same additions.
    x = Value(-1.0, "x")
    o = -(x.relu())
    o.backward(seed)
    expected = grads_of(o)
    o.zero_grad()
    list(o.backward_steps(seed))
    assert exactly(grads_of(o)) == exactly(expected)
    assert math.copysign(1.0, x.grad) == 1.0


@given(graphs(), st.data())
def test_every_prefix_is_a_partly_propagated_graph(graph, data):
    root, _ = graph
    order = topological_order(root)
    start = {node: node.grad for node in order}
    _, final = gradients(root)
    children = {node: [c for c in order if any(p is node for p in c.parents)] for node in order}
    stop = data.draw(st.integers(0, len(order)))
    stepped: set[Value] = set()
    added: dict[Value, float] = {}
    for step in itertools.islice(backward_steps(root), stop):  # take `stop` steps, then pause
        assert step.upstream == final[step.node]  # the node's gradient is complete at its step
        for c in step.contributions:
            assert c.local == local_partials(step.node)[c.position]
            assert c.added == c.local * step.upstream
            added[c.parent] = added.get(c.parent, 0.0) + c.added
        if step.index > 0:  # the seed step propagates nothing
            stepped.add(step.node)
    for node in order:
        if node is root and stop > 0:
            expected = start[node] + final[root]
        elif node is root or not any(c in stepped for c in children[node]):
            assert node.grad == start[node]  # untouched yet
            continue
        elif all(c in stepped for c in children[node]):
            expected = start[node] + final[node]
        else:
            expected = start[node] + added[node]
        assert math.isclose(node.grad, expected, rel_tol=1e-12, abs_tol=1e-12)


@given(graphs())
def test_one_step_per_non_leaf_in_backward_order(graph):
    root, _ = graph
    steps = list(backward_steps(root))
    non_leaves = [n for n in reversed(topological_order(root)) if n.parents]
    assert steps[0].node is root and steps[0].contributions == ()
    assert [s.node for s in steps[1:]] == non_leaves
    assert [s.index for s in steps] == list(range(len(steps)))
    assert all(s.total == len(steps) == 1 + len(non_leaves) for s in steps)
    for s in steps[1:]:
        assert [c.parent for c in s.contributions] == list(s.node.parents)
        assert [c.position for c in s.contributions] == list(range(len(s.node.parents)))


def test_pausing_shows_the_partial_state_of_the_neuron():
    x, w, b, n, o = neuron()
    steps = o.backward_steps()
    seed = next(steps)
    assert (o.grad, n.grad, x.grad) == (1.0, 0.0, 0.0)
    assert str(seed) == "o.grad = 1.0 (seed)"
    first = next(steps)
    assert first.node is o and math.isclose(n.grad, 0.5) and x.grad == 0.0
    assert str(first) == "n.grad += 1.0 (upstream) * 0.5 (d(tanh(n))/dn = 1 - o*o) = 0.5"
    second = next(steps)
    assert second.node is n and b.grad == n.grad and x.grad == 0.0
    third = next(steps)
    assert str(third).splitlines() == [
        "x.grad += 0.5 (upstream) * -3.0 (d(x*w)/dx = w) = -1.5",
        "w.grad += 0.5 (upstream) * 2.0 (d(x*w)/dw = x) = 1.0",
    ]
    assert third.heading == "step 3/3: x*w"
    assert next(steps, None) is None
    assert (x.grad, w.grad, b.grad) == pytest.approx((-1.5, 1.0, 0.5))


def test_contribution_str_matches_the_documented_format():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    step = list((x * w).backward_steps(0.5))[1]
    c = step.contributions[0]
    assert (c.parent, c.position, c.local, c.added, c.upstream) == (x, 0, -3.0, -1.5, 0.5)
    assert c.rule == "d(x*w)/dx = w" and c.target == "x.grad"
    assert str(c) == "x.grad += 0.5 (upstream) * -3.0 (d(x*w)/dx = w) = -1.5"
    assert (step.name, step.formula, step.target) == ("x*w", "x*w", "(x*w).grad")
    assert "words" not in repr(c) and isinstance(step, Step) and isinstance(c, Contribution)


def test_unlabelled_nodes_are_named_by_formula_or_position():
    a = Value(3.0, "a")
    y = (a * 2 + a * a).log() / (a - 1)
    text = "\n".join(str(s) for s in y.backward_steps())
    assert "(a*a).grad += " in text and "d(a*a)/da = a" in text
    assert "(2).grad += " in text  # a constant is named by its number
    assert "= -out/(a - 1))" in text  # the unlabelled output is `out` in its rule
    deep = Value(0.5, "x")
    for _ in range(20):
        deep = deep.sin()
    first = list(deep.backward_steps())[1]
    assert str(first).startswith("node#19.grad += ")  # too long a formula: its position


def test_a_leaf_root_has_only_the_seed_step():
    x = Value(2.0, "x")
    steps = list(backward_steps(x, 3.0))
    assert len(steps) == 1 and steps[0].total == 1 and x.grad == 3.0
    assert str(steps[0]) == "x.grad = 3.0 (seed)"


def test_bad_arguments_are_rejected_at_the_call():
    with pytest.raises(TypeError, match="backward_steps: expected a Value, got float"):
        backward_steps(2.0)
    with pytest.raises(TypeError, match="backward_steps"):
        backward_steps(Value(1.0), "one")


def test_an_infinite_derivative_names_the_op():
    y = Value(0.0, "x").sqrt()
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        list(y.backward_steps())


def test_deep_chain_does_not_recurse():
    x = Value(0.1, "x")
    y = x
    for _ in range(30_000):
        y = y * 1.0
    steps = y.backward_steps()
    for _ in steps:
        pass
    assert x.grad == 1.0



def test_reused_operands_round_exactly_like_backward():
    # Found by search: adding `da*u` then `db*u` onto b's gradient rounds differently from the
    # other order, so this fails unless the stepper adds them in backward's order.
    a, b = Value(-0.20015252283333274, "a"), Value(-0.9179343359398002, "b")
    ab = b * a
    root = (b - b) - ab * ab
    root.backward()
    expected = grads_of(root)
    root.zero_grad()
    list(root.backward_steps())
    assert exactly(grads_of(root)) == exactly(expected)


def test_a_write_between_two_steps_is_kept_and_the_later_steps_add_onto_it():
    x = Value(2.0, "x")
    y = x * 3.0 + x  # dy/dx = 4: 1 from the add's step, then 3 from the product's
    steps = y.backward_steps()
    next(steps), next(steps)
    assert x.grad == 1.0
    (x * 5.0).backward()  # another pass writes x.grad while the stepper is paused
    assert x.grad == 6.0
    list(steps)
    assert x.grad == 9.0  # nothing written over: 1 + 5 + 3


def test_a_zero_grad_between_two_steps_keeps_only_the_later_steps():
    x = Value(2.0, "x")
    y = x * 3.0 + x
    steps = y.backward_steps()
    next(steps), next(steps)
    y.zero_grad()
    list(steps)
    assert x.grad == 3.0 and y.grad == 0.0


def test_a_value_seed_counts_by_its_number_as_in_backward():
    x = Value(2.0, "x")
    y = x * x
    list(y.backward_steps(Value(3.0)))
    stepped = x.grad
    x.grad = 0.0
    y.backward(Value(3.0))
    assert stepped == x.grad == 12.0
