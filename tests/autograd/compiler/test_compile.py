"""autograd.compile: bit-for-bit agreement with the dynamic engine, errors, and what it refuses."""

from __future__ import annotations

import math
import warnings

import pytest
from autograd_checks import outcome, same
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value, detect_anomaly, no_grad, value_and_grad
from autograd.compiler import CheckError
from autograd.core.value import apply
from autograd.tools.testing import expressions, floats_in

SPECIAL = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, 1e308, -1e308, math.inf,
                           -math.inf, math.nan, 710.0, -745.0])
ANY = st.one_of(st.floats(-10.0, 10.0), SPECIAL, st.floats(allow_nan=True, allow_infinity=True))






def assert_same_outcome(compiled, dynamic):
    ours, theirs = outcome(compiled), outcome(dynamic)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[1:] == theirs[1:]
        return None
    return ours[1], theirs[1]


def flat(x):
    return [y for item in x for y in flat(item)] if isinstance(x, (list, tuple)) else [x]


# --- bit for bit: argnums against value_and_grad -------------------------------------------


@given(expressions(ops=OPS.values()), st.data())
def test_argnums_equal_value_and_grad_on_random_graphs(expr, data):
    argnums = tuple(range(len(expr.variables)))
    compiled = autograd.compile(expr, *expr.point, argnums=argnums)
    reference = value_and_grad(expr, argnums)
    for point in (expr.point, [data.draw(ANY) for _ in expr.point]):
        both = assert_same_outcome(lambda p=point: compiled(*p), lambda p=point: reference(*p))
        if both is not None:
            (v1, g1), (v2, g2) = both
            assert same(v1, v2) and all(same(a, b) for a, b in zip(g1, g2)), (point, both)


@given(expressions(ops=OPS.values()), st.data())
def test_grad_effects_equal_backward_on_random_graphs(expr, data):
    """Captured Values: .grad gets exactly what f().backward() adds, from any starting grad."""
    xs = [Value(p, label=n) for p, n in zip(expr.point, expr.variables)]
    # check=True returns every node's value, so nothing is written inline: test both
    compiled = autograd.compile(lambda: expr(*xs), check=data.draw(st.booleans()))
    for point in (expr.point, [data.draw(ANY) for _ in expr.point]):
        start = [data.draw(SPECIAL) for _ in xs]
        twins = [Value(p, label=n) for p, n in zip(point, expr.variables)]
        for x, t, p, g in zip(xs, twins, point, start):
            x.data, x.grad, t.grad = p, g, g

        def dynamic(twins=twins):
            out = expr(*twins)
            out.backward()
            return out.data

        try:
            both = assert_same_outcome(compiled, dynamic)
        except CheckError:
            raise
        if both is not None:
            assert same(*both)
        assert all(same(x.grad, t.grad) for x, t in zip(xs, twins)), (point, start)


# --- every op of the table, directly, on any inputs ----------------------------------------


def _op_params(op):
    if op.param is None:
        return st.none()
    return st.one_of(floats_in(op.param_domain), st.sampled_from([0.0, 1.0, 2.0, -1.0, 0.5, 3.0]))


@pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
@given(data=st.data())
def test_every_op_matches_the_engine_everywhere(op, data):
    """Values, gradients, IEEE results and domain errors (type and message) equal the engine's."""
    param = data.draw(_op_params(op))
    if op.param is not None and op.param_domain is not None and param is None:
        param = 1.0
    point = [data.draw(floats_in(d)) for d in op.smooth]
    labels = ["a", "b"][: op.arity]

    def f(*xs):
        leaves = [+x for x in xs]  # intermediate nodes, labelled like the engine sees them
        for leaf, name in zip(leaves, labels):
            leaf.label = name
        return apply(op, *leaves, param=param)

    argnums = tuple(range(op.arity))
    compiled = autograd.compile(f, *point, argnums=argnums)
    reference = value_and_grad(f, argnums)
    new = [data.draw(ANY) for _ in point]
    both = assert_same_outcome(lambda: compiled(*new), lambda: reference(*new))
    if both is not None:
        (v1, g1), (v2, g2) = both
        assert same(v1, v2) and all(same(a, b) for a, b in zip(g1, g2)), (new, both)


# --- nn models with every loss -------------------------------------------------------------


def _model():
    import nn

    return nn.MLP(2, [4, 3], activation="tanh", rng=3)


LOSSES = ["mse", "bce_with_logits", "hinge", "softmax_cross_entropy", "l2_penalty", "l1_penalty"]


def _loss(name, model, xs, ys):
    import nn

    outs = [model(x) for x in xs]
    if name == "mse":
        return nn.mse([o[0] for o in outs], ys)
    if name == "bce_with_logits":
        return nn.bce_with_logits([o[1] for o in outs], [(y + 1) / 2 for y in ys])
    if name == "hinge":
        return nn.hinge([o[2] for o in outs], ys)
    if name == "softmax_cross_entropy":
        return nn.softmax_cross_entropy(outs, [0 if y < 0 else 2 for y in ys])
    penalty = nn.l2_penalty if name == "l2_penalty" else nn.l1_penalty
    return nn.mse([o[0] for o in outs], ys) + penalty(model.parameters(), 0.01)


@pytest.mark.parametrize("loss", LOSSES)
@given(xs=st.lists(st.lists(st.floats(-3, 3), min_size=2, max_size=2), min_size=1, max_size=4),
       data=st.data())
def test_nn_models_with_every_loss(loss, xs, data):
    import copy

    ys = [data.draw(st.sampled_from([-1.0, 1.0])) for _ in xs]
    model = _model()
    twin = copy.deepcopy(model)
    step = autograd.compile(lambda xs: _loss(loss, model, xs, ys), xs)
    new = [[data.draw(st.floats(-3, 3)) for _ in x] for x in xs]
    for points in (xs, new):
        value = step(points)
        out = _loss(loss, twin, points, ys)
        out.backward()
        assert same(value, out.data)  # softmax's shift too: a recorded max, recomputed
        for p, q in zip(model.parameters(), twin.parameters()):
            assert same(p.grad, q.grad), (p, q)


def test_the_issues_training_step_with_an_optimizer():
    import copy

    import nn

    model = nn.MLP(2, [8, 1], rng=0)
    twin = copy.deepcopy(model)
    opt, opt2 = nn.SGD(model.parameters(), lr=0.1), nn.SGD(twin.parameters(), lr=0.1)
    xs = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]
    ys = [1.0, -1.0, 1.0]
    step = autograd.compile(lambda xs: nn.hinge([model(x)[0] for x in xs], ys), xs)
    for k in range(5):
        batch = [[a + k * 0.1, b - k * 0.2] for a, b in xs]
        opt.zero_grad()
        loss = step(batch)
        opt.step()
        opt2.zero_grad()
        loss2 = nn.hinge([twin(x)[0] for x in batch], ys)
        loss2.backward()
        opt2.step()
        assert same(loss, loss2.data)
    assert all(same(p.data, q.data) for p, q in zip(model.parameters(), twin.parameters()))


# --- domain errors, and a failed call changes no .grad -------------------------------------


@pytest.mark.parametrize("x, f", [
    (0.0, lambda w, x: (w * x).log()),
    (0.0, lambda w, x: w / x),
    (-1.0, lambda w, x: (w * x) ** 0.5),
    (0.0, lambda w, x: (w * x).sqrt()),  # forward fine, backward: sqrt'(0) is not finite
    (0.0, lambda w, x: (w * x) ** -1.0),
])
def test_domain_errors_name_the_op_like_the_engine_and_leave_grad_alone(x, f):
    w = Value(2.0, "w")
    compiled = autograd.compile(lambda x: f(w, x), 1.0)
    w.grad = 0.25
    with pytest.raises((ArithmeticError, ValueError)) as ours:
        compiled(x)
    assert w.grad == 0.25
    with pytest.raises(type(ours.value)) as theirs:
        f(w, Value(x)).backward()
    assert str(ours.value) == str(theirs.value)
    assert "never" not in str(ours.value) and str(ours.value) != "math domain error"


def test_a_failing_grad_commit_changes_no_grad():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    compiled = autograd.compile(lambda: a * b)
    b.grad = None  # a + b fails on this one: neither may change
    with pytest.raises(TypeError) as ours:
        compiled()
    assert a.grad == 0.0 and b.grad is None
    with pytest.raises(TypeError) as theirs:
        (a * b).backward()
    assert str(ours.value) == str(theirs.value)


# --- structure, source, check ---------------------------------------------------------------


def test_another_structure_is_traced_again_and_cached():
    w = Value(0.5, "w")
    compiled = autograd.compile(lambda xs: autograd.sum_of([w * x for x in xs]), [1.0, 2.0])
    assert compiled([1.0, 2.0]) == 1.5 and compiled.traces == 1
    assert compiled([1.0, 2.0, 3.0]) == 3.0 and compiled.traces == 2
    assert compiled([4.0, 4.0]) == 4.0 and compiled.traces == 2
    assert w.grad == 3.0 + 6.0 + 8.0


def test_argnums_structures_and_unused_arguments():
    def f(x, ys, z):
        return x * ys[0][1] + ys[1][0]

    compiled = autograd.compile(f, 2.0, [[1.0, 3.0], (5.0,)], 7.0, argnums=(0, 1, 2))
    value, (gx, gys, gz) = compiled(2.0, [[1.0, 3.0], (5.0,)], 7.0)
    assert value == 11.0 and gx == 3.0 and gys == [[0.0, 2.0], (1.0,)] and gz == 0.0
    one = autograd.compile(f, 2.0, [[1.0, 3.0], (5.0,)], 7.0, argnums=-3)
    assert one(2.0, [[1.0, 3.0], (5.0,)], 7.0) == (11.0, 3.0)


def test_argnums_with_a_captured_value_returns_the_arguments_gradients_only():
    # Captured Values (a model's parameters) are read live; with argnums, as value_and_grad,
    # their .grad is left alone (this raised a KeyError before).
    w = Value(3.0, "w")
    compiled = autograd.compile(lambda x: x * w + w * w, 1.0, argnums=0)
    assert compiled(2.0) == value_and_grad(lambda x: x * w + w * w)(2.0) == (15.0, 3.0)
    w.data = 5.0
    assert compiled(2.0) == (35.0, 5.0) and w.grad == 0.0


def test_check_names_the_first_node_that_differs():
    compiled = autograd.compile(lambda x: (x - x.data) * x, 3.0, argnums=0, check=True)
    assert compiled(3.0) == (0.0, 3.0)
    frozen = r"node 1 \(node1, leaf\) has value 3.0 compiled, 4.0 on the dynamic"
    with pytest.raises(CheckError, match=frozen):
        compiled(4.0)  # x.data was frozen at 3.0 by the trace
    flag = [True]
    switch = autograd.compile(lambda x: x * x if flag[0] else x + x, 3.0, check=True)
    flag[0] = False
    with pytest.raises(CheckError, match="no longer the op"):
        switch(3.0)


def test_source_reads_like_manual_backprop():
    def neuron(x, w, b):
        n = x * w + b
        n.label = "n"
        o = n.tanh()
        o.label = "o"
        return o

    compiled = autograd.compile(neuron, 2.0, -3.0, 1.0, argnums=(0, 1, 2))
    source = compiled.source
    for line in ("x, w, b = inputs", "\n    n = x * w + b\n", "o = tanh(n)  # tanh",
                 "n_grad = (1.0 - (o * o)) * o_grad  # o = tanh(n)",
                 "w_grad = x * n_grad  # x * w, in n", "return o, (x_grad, w_grad, b_grad)"):
        assert line in source, source
    assert source.index("# forward") < source.index("# backward")


def _forward_lines(source):
    return source.split("# forward")[1].split("# backward")[0].splitlines()[1:-1]


def test_sums_and_products_used_once_are_written_inline_with_their_parentheses():
    def f(a, b, c, d):
        s = a - (b - c)  # b - c inline: parenthesised, or the floats would differ
        t = a * b  # used twice: a statement
        m = (a + d) * c  # mul reads a + d: a statement
        n = t + t * d + s * m  # labelled: a statement
        n.label = "n"
        return n.relu() + a

    compiled = autograd.compile(f, 1e16, 1e16, 1.0, 3.0, argnums=(0, 1, 2, 3))
    forward = [line.strip() for line in _forward_lines(compiled.source)]
    assert forward == ["node2 = a * b  # mul", "node9 = a + d  # add", "node8 = a - (b - c)",
                       "node10 = node9 * c  # mul", "n = node2 + node2 * d + node8 * node10",
                       "node13 = relu(n)  # relu", "node14 = node13 + a  # add"], forward
    assert "c_grad += (-1.0) * node7_grad  # b - c, in node8" in compiled.source
    for point in ((1e16, 1e16, 1.0, 3.0), (1e16, -1e16, 1e16, 1.0), (0.1, 0.2, 0.3, -0.4)):
        ours, theirs = compiled(*point), value_and_grad(f, (0, 1, 2, 3))(*point)
        assert same(ours[0], theirs[0]) and all(map(same, ours[1], theirs[1])), point
    nested = autograd.compile(lambda a, b, c: a - (b - c), 1e16, 1e16, 1.0, argnums=0)
    assert "= a - (b - c)" in nested.source
    assert nested(1e16, 1e16, 1.0) == (0.0, 1.0)  # (a - b) - c would be -1.0


def test_an_op_whose_rule_reads_its_own_value_is_not_written_inline():
    import operator

    from autograd.core.ops import REAL, Op

    # a user's product whose rule reads its result: its value must be a variable
    scaled = Op("scaled_mul", "*", 2, operator.mul,
                lambda m, a, b, out: (b + 0.0 * out, a + 0.0 * out), "a*b", (REAL, REAL))

    def f(a, b, c):
        return apply(scaled, a, b) + c

    compiled = autograd.compile(f, 2.0, 3.0, 4.0, argnums=(0, 1, 2))
    assert "node2 = a * b  # scaled_mul" in compiled.source
    assert compiled(2.0, 3.0, 4.0) == value_and_grad(f, (0, 1, 2))(2.0, 3.0, 4.0) == \
        (10.0, (3.0, 2.0, 1.0))


def test_an_operand_read_by_a_constants_rule_that_may_raise_keeps_its_statement():
    import operator

    from autograd.core.ops import REAL, Op

    # the constant's partial, 1 / b, is evaluated for its errors only, as backward() does: it
    # reads b, so b (= x + y) must be a variable
    odd = Op("odd_mul", "*", 2, operator.mul, lambda m, a, b, out: (1.0 / b, a), "a*b",
             (REAL, REAL))

    def f(x, y):
        return apply(odd, 2.0, x + y)

    compiled = autograd.compile(f, 1.0, 2.0, argnums=(0, 1))
    reference = value_and_grad(f, (0, 1))
    assert compiled(1.0, 2.0) == reference(1.0, 2.0) == (6.0, (2.0, 2.0))
    assert assert_same_outcome(lambda: compiled(1.0, -1.0), lambda: reference(1.0, -1.0)) is None


def test_labelled_nodes_and_long_expressions_get_statements(monkeypatch):
    from autograd.compiler import codegen

    def fold(*xs):
        total = xs[0] * xs[1]
        for x in xs[2:]:
            total = total + x * x
        return total

    xs = [float(k) for k in range(1, 40)]
    for cap in (codegen.MAX_INLINED, 5):
        monkeypatch.setattr(codegen, "MAX_INLINED", cap)
        compiled = autograd.compile(fold, *xs, argnums=tuple(range(len(xs))))
        forward = _forward_lines(compiled.source)
        ops = [line.count(" + ") + line.count(" * ") for line in forward]
        assert max(ops) <= cap and sum(ops) == 2 * len(xs) - 3, (cap, forward)
        assert len(forward) <= -(-(2 * len(xs) - 3) // (cap - 1)), (cap, forward)
        assert compiled(*xs) == value_and_grad(fold, tuple(range(len(xs))))(*xs)

    def labelled(x, y):
        p = x * y
        p.label = "p"
        return p + x

    compiled = autograd.compile(labelled, 2.0, 3.0)
    assert [line.strip() for line in _forward_lines(compiled.source)] == \
        ["p = x * y  # mul", "node3 = p + x  # add"]


def test_backward_comments_show_a_long_expression_by_its_end():
    import re

    b = Value(0.5, "b")

    def f(*xs):
        total = xs[0] * xs[1]
        for x in xs[2:]:
            total = total + x * x
        return (total + b).tanh()

    compiled = autograd.compile(f, *[0.1] * 8)
    line = next(line for line in compiled.source.splitlines() if "b_grad = " in line)
    comment = line.split("  # ")[1]
    assert re.fullmatch(r"node\d+ = \.\.\. .*args_7 \* args_7 \+ b", comment), line
    assert len(comment) < 60, line
    assert compiled(*[0.1] * 8) == f(*[Value(0.1) for _ in range(8)]).data


def test_a_rule_that_branches_is_called_not_written_out():
    from autograd.core.ops import REAL, Op

    square = Op("square_branchy", "sq", 1, lambda a: a * a,
                lambda m, a, out: (2.0 * a if a > 0 else a + a,), "x*x", (REAL,))
    compiled = autograd.compile(lambda x: apply(square, x), 3.0, argnums=0, check=True)
    assert "user_partials[0](FLOAT_MATH" in compiled.source  # a user op: read from a table
    assert compiled(-2.0) == (4.0, -4.0)


def test_large_graphs_are_split_into_parts(monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("autograd.compiler.program"), "PART", 500)
    w = Value(0.999, "w")

    def chain(x):
        y = x
        for _ in range(3000):
            y = (y * w + 0.001).tanh()
        return y

    compiled = autograd.compile(chain, 0.5, check=True)
    assert "def _part1(" in compiled.source
    twin = Value(0.999)
    compiled(0.25)
    y = Value(0.25)
    for _ in range(3000):
        y = (y * twin + 0.001).tanh()
    y.backward()
    assert same(w.grad, twin.grad)


@pytest.mark.slow
def test_a_100000_node_graph_compiles_and_runs():
    w = Value(0.5)

    def chain(x):
        y = x
        for _ in range(33_334):
            y = (y * w + 1.0).relu()
        return y

    compiled = autograd.compile(chain, 1.0)
    assert compiled(1.0) == 2.0 and math.isclose(w.grad, 4.0)


# --- bad input and what cannot be replayed ------------------------------------------------


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(TypeError, match=r"argument xs\[1\] must be a number"):
        autograd.compile(lambda xs: xs[0], [1.0, "2"])
    with pytest.raises(TypeError, match="got bool"):
        autograd.compile(lambda x: x, True)
    with pytest.raises(TypeError, match="got Value"):
        autograd.compile(lambda x: x, Value(1.0))
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        autograd.compile(lambda x: 1.0, 2.0)
    with pytest.raises(TypeError, match="f must be callable"):
        autograd.compile(3.0)
    with pytest.raises(TypeError, match="argnums must be"):
        autograd.compile(lambda x: x, 1.0, argnums="0")
    with pytest.raises(IndexError, match="out of range"):
        autograd.compile(lambda x: x, 1.0, argnums=1)
    compiled = autograd.compile(lambda x: x * 2, 1.0)
    with pytest.raises(TypeError, match="argument x must be a number"):
        compiled("1")


def test_modes_that_cannot_be_replayed_are_refused():
    compiled = autograd.compile(lambda x: x * x, 1.0)
    with detect_anomaly(), pytest.raises(RuntimeError, match="anomaly mode"):
        autograd.compile(lambda x: x * x, 1.0)
    with detect_anomaly(), pytest.raises(RuntimeError, match="anomaly mode"):
        compiled(1.0)
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        compiled(1.0)
    with pytest.raises(RuntimeError, match="create_graph"):
        autograd.grad(lambda x: Value(compiled(x.data)))(1.0)


def test_dropout_in_training_mode_is_refused():
    import nn

    model = nn.MLP(2, [16, 1], dropout=0.5, rng=0)
    with pytest.raises(ValueError, match="Dropout in training mode"):
        autograd.compile(lambda x: model(x)[0], [1.0, 2.0])
    model.eval()
    compiled = autograd.compile(lambda x: model(x)[0], [1.0, 2.0])
    assert compiled([1.0, 2.0]) == model([1.0, 2.0])[0].data


def test_dropout_is_refused_even_when_both_traces_would_draw_the_same_mask():
    import nn

    # one input kept with probability 0.999: the two traces would almost surely agree
    drop = nn.Dropout(0.001, rng=0)
    rng_state = drop.rng.getstate()
    seen = []

    def f(x):
        seen.append(autograd.is_tracing())
        return drop([x])[0] * 2.0

    with pytest.raises(ValueError, match="Dropout in training mode"):
        autograd.compile(f, 1.0)
    assert seen == [True] and not autograd.is_tracing()
    assert drop.rng.getstate() == rng_state  # refused before drawing
    drop.eval()
    assert autograd.compile(f, 1.0)(3.0) == 6.0 and seen[-2:] == [True, True]


def test_drawing_from_the_random_module_is_refused_as_two_graphs_that_differ():
    import random

    with pytest.raises(ValueError, match="two different graphs.*must not draw random numbers"):
        autograd.compile(lambda x: x * random.random(), 1.0)


class _ByValue(Value):
    """A Value subclass whose `==` and hash go by `.data`: two equal weights are still two nodes."""

    __slots__ = ()

    def __eq__(self, other):
        return isinstance(other, Value) and self.data == other.data

    def __hash__(self):
        return hash(self.data)


@pytest.mark.parametrize("check", [False, True])
def test_captured_values_that_compare_equal_stay_two_nodes(check):
    w1, w2 = _ByValue(2.0), _ByValue(2.0)
    compiled = autograd.compile(lambda x: (x * w1 + w2) * w1, 3.0, check=check)
    value = compiled(3.0)
    compiled_grads = (w1.grad, w2.grad)
    w1.grad = w2.grad = 0.0
    out = (Value(3.0) * w1 + w2) * w1
    out.backward()
    assert value == out.data and compiled_grads == (w1.grad, w2.grad) == (14.0, 2.0)


def test_nothing_to_differentiate_warns_with_the_fix():
    def neuron(x, w, b):
        return (x * w + b).tanh()

    with pytest.warns(autograd.GradientWarning) as caught:
        compiled = autograd.compile(neuron, 2.0, -3.0, 1.0)
    assert len(caught) == 1 and caught[0].filename == __file__
    assert str(caught[0].message).startswith(
        "compile(test_nothing_to_differentiate_warns_with_the_fix.<locals>.neuron): nothing to "
        "differentiate: no argnums was given and f reaches no Value made before compile")
    assert "pass argnums (e.g. argnums=0, or (0, 1))" in str(caught[0].message)
    assert compiled(2.0, -3.0, 1.0) == neuron(Value(2.0), Value(-3.0), Value(1.0)).data
    with warnings.catch_warnings():  # given argnums, or a captured Value: nothing to say
        warnings.simplefilter("error")
        autograd.compile(neuron, 2.0, -3.0, 1.0, argnums=0)
        w = Value(-3.0)
        autograd.compile(lambda x: neuron(x, w, 1.0), 2.0)
