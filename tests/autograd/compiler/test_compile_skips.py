"""autograd.compile skips backward work that adds only zeros: when it does, and no bit changes."""

from __future__ import annotations

import copy
import inspect
import itertools
import math
import sys

import pytest
import test_compile
from hypothesis import given
from hypothesis import strategies as st
from test_compile import same

import autograd
from autograd import Value, value_and_grad
from autograd.compiler import skips
from autograd.core.ops import ALWAYS_FINITE, FINITE_IMPLIES_FINITE_OPERANDS, FLOAT_MATH, OPS

SPECIALS = [0.0, -0.0, 1.0, -1.0, 1e-300, 1e308, -1e308, math.inf, -math.inf, math.nan]


def _net(n_in=2, hidden=6, seed=0):
    """A relu net's parameters: hidden units of (weights, bias), then the output's."""
    import random

    rng = random.Random(seed)
    layer = [([Value(rng.uniform(-1, 1)) for _ in range(n_in)], Value(0.0)) for _ in range(hidden)]
    out = ([Value(rng.uniform(-1, 1)) for _ in range(hidden)], Value(0.0))
    return layer, out


def _score(net, x):
    layer, (ws, b) = net
    hidden = []
    for wi, bi in layer:
        act = bi
        for w, xi in zip(wi, x):
            act = act + w * xi
        hidden.append(act.relu())
    act = b
    for w, h in zip(ws, hidden):
        act = act + w * h
    return act


def _hinge(net, xs, ys):
    total = Value(0.0)
    for x, y in zip(xs, ys):
        total = total + (1 - y * _score(net, x)).relu()
    return total / len(xs)


def _params(net):
    layer, (ws, b) = net
    return [p for wi, bi in layer for p in (*wi, bi)] + [*ws, b]


def _lines_run(compiled, *args):
    """The source lines of the compiled program that ran during one call."""
    ran, result = _lines_run_by_function(compiled, *args)
    return {k for _, k in ran}, result


def _lines_run_by_function(compiled, *args):
    """(function name, line) for each source line of the compiled program run by one call."""
    ran: set[tuple[str, int]] = set()
    files = set()

    def tracer(frame, event, arg):
        name = frame.f_code.co_filename
        if name.startswith("<autograd.compile"):
            files.add(name)
            if event == "line":
                ran.add((frame.f_code.co_name, frame.f_lineno))
        return tracer

    sys.settrace(tracer)
    try:
        result = compiled(*args)
    finally:
        sys.settrace(None)
    assert len(files) == 1
    return ran, result


def _lines_of(source, text):
    return [k for k, line in enumerate(source.splitlines(), 1) if text in line]


XS = [[2.0, 1.0], [-1.0, 0.5], [0.25, -2.0]]


def _margin_met_for_the_first_sample(net):
    """Labels whose first sample meets its margin (its hinge gradient is exactly 0)."""
    score = _score(net, [Value(a) for a in XS[0]]).data
    assert score != 0.0
    for w in net[1][0]:  # the output scaled so that the first sample's score is +-2
        w.data *= 2.0 / abs(score)
    return [1.0 if score > 0 else -1.0, 1.0, -1.0]


def _guards(compiled, ran):
    """Per test line of the program: (did the test run, did the statement after it run)."""
    return [(k in ran, k + 1 in ran) for k in _lines_of(compiled.source, "isfinite(")]


def test_a_met_margin_skips_its_samples_backward_and_changes_no_bit():
    net = _net()
    ys = _margin_met_for_the_first_sample(net)
    twin = copy.deepcopy(net)
    step = autograd.compile(lambda xs: _hinge(net, xs, ys), XS)
    ran, value = _lines_run(step, XS)
    out = _hinge(twin, [[Value(a) for a in x] for x in XS], ys)
    out.backward()
    assert same(value, out.data)
    for p, q in zip(_params(net), _params(twin)):
        assert same(p.grad, q.grad)
    guards = _guards(step, ran)
    assert (True, False) in guards, guards  # the first sample's region: tested, skipped
    assert (True, True) in guards, guards  # the others': tested, run


@pytest.mark.parametrize("x", [-2.0, -math.inf, math.inf, math.nan, -1e308])
def test_a_zero_gradient_is_skipped_only_where_every_local_is_finite(x, monkeypatch):
    """relu(w*x) off: w's gradient gets 0 * x, which is nan for an infinite x, as the engine has."""
    monkeypatch.setattr(skips, "MIN_STATEMENTS", 1)

    def f(x, w):
        return (w * x).relu() + w * 0.5

    step = autograd.compile(f, -2.0, 1.0, argnums=(0, 1))
    assert "isfinite(" in step.source
    ran, (value, grads) = _lines_run(step, x, 1.0)
    v2, g2 = value_and_grad(f, (0, 1))(x, 1.0)
    assert same(value, v2) and all(same(a, b) for a, b in zip(grads, g2)), (grads, g2)
    skipped = (True, False) in _guards(step, ran)
    assert skipped == (math.isfinite(x) and x < 0)


def test_huge_inputs_agree_whether_or_not_a_region_is_skipped():
    net = _net()
    ys = _margin_met_for_the_first_sample(net)
    twin = copy.deepcopy(net)
    step = autograd.compile(lambda xs: _hinge(net, xs, ys), XS)
    for xs in ([[1e308, 1e308], [1e308, -1.0], [0.5, 0.5]], [[-1e308, 1e-300], *XS[1:]]):
        for p, q in zip(_params(net), _params(twin)):
            p.grad = q.grad = 0.0
        step(xs)
        out = _hinge(twin, [[Value(a) for a in x] for x in xs], ys)
        out.backward()
        assert all(same(p.grad, q.grad) for p, q in zip(_params(net), _params(twin)))


def test_argnums_gradients_inside_a_skipped_region_are_zeros_like_value_and_grad():
    net = _net()
    ys = _margin_met_for_the_first_sample(net)

    def loss(*flat):
        return _hinge(net, [flat[0:2], flat[2:4], flat[4:6]], ys)

    point = [a for x in XS for a in x]
    step = autograd.compile(loss, *point, argnums=tuple(range(6)))
    ran, (value, grads) = _lines_run(step, *point)
    v2, g2 = value_and_grad(loss, tuple(range(6)))(*point)
    assert same(value, v2) and all(same(a, b) for a, b in zip(grads, g2)), (grads, g2)
    assert (True, False) in _guards(step, ran)
    assert [math.copysign(1.0, g) for g in grads[:2]] == [1.0, 1.0] and grads[:2] == (0.0, 0.0)


def test_check_mode_compares_every_node_of_skipped_regions():
    net = _net()
    ys = _margin_met_for_the_first_sample(net)
    step = autograd.compile(lambda xs: _hinge(net, xs, ys), XS, check=True)
    assert "isfinite(" in step.source
    for shift in (0.0, 0.5, -3.0):
        step([[a + shift, b - shift] for a, b in XS])  # raises CheckError on any difference


@pytest.mark.parametrize("check", [True, False])  # check=True writes nothing inline
def test_large_programs_are_never_cut_inside_a_guard(monkeypatch, check):
    import importlib

    monkeypatch.setattr(importlib.import_module("autograd.compiler.program"), "PART", 7)
    net = _net(hidden=8)
    ys = _margin_met_for_the_first_sample(net)
    twin = copy.deepcopy(net)
    step = autograd.compile(lambda xs: _hinge(net, xs, ys), XS, check=check)
    assert "def _part3(" in step.source and "isfinite(" in step.source
    step(XS)
    _hinge(twin, [[Value(a) for a in x] for x in XS], ys).backward()
    assert all(same(p.grad, q.grad) for p, q in zip(_params(net), _params(twin)))
    # each part is compiled by itself, on its own lines of the source: every line that runs
    # is a statement of the function running it
    ran, _ = _lines_run_by_function(step, XS)
    lines = step.source.splitlines()
    functions = {name for name, _ in ran}
    assert {"program", "_part0", "_part3"} <= functions
    for name, k in ran:
        code = lines[k - 1].split("  #")[0].strip()
        assert code and not code.startswith(("#", "def ")), (name, k, lines[k - 1])
        above = next(line for line in reversed(lines[:k]) if line.startswith("def "))
        assert above.startswith(f"def {name}("), (name, k, above)


def test_a_region_too_long_to_split_around_gets_no_test(monkeypatch):
    net = _net()
    ys = _margin_met_for_the_first_sample(net)
    assert "isfinite(" in autograd.compile(lambda xs: _hinge(net, xs, ys), XS).source
    monkeypatch.setattr(skips, "MAX_STATEMENTS", skips.MIN_STATEMENTS)
    assert "isfinite(" not in autograd.compile(lambda xs: _hinge(net, xs, ys), XS).source


def test_a_deep_relu_chain_compiles_with_no_test_too_long(monkeypatch):
    """Each relu's input vouches only for itself: a long region would need a long sum."""
    monkeypatch.setattr(skips, "MAX_STATEMENTS", 10**9)
    w, b = Value(0.5), Value(1.0)

    def chain(y):
        for _ in range(3000):
            y = (y * w + b).relu()
        return y

    step = autograd.compile(chain, 1.0, check=True)
    step(-5.0)  # relu off at the first link: zero gradients all the way down
    assert all(line.count(" + ") <= skips.MAX_WITNESSES for line in step.source.splitlines()
               if "isfinite(" in line)


def _gate_of_a_raising_argument():
    """A user op whose local is step(1 / a): step never raises, but 1 / a does at a = 0."""
    from autograd.transforms.userops import define_op

    return define_op("gate_of_inverse", lambda a: a if a > 0 else 0.0,
                     lambda m, a, out: (m.step(1.0 / a),))


def _engine_and_compiled(f, n, x):
    reference = value_and_grad(f, tuple(range(n)))
    step = autograd.compile(f, *[1.0] * n, argnums=tuple(range(n)))
    return test_compile.outcome(lambda: reference(*[x] * n)), \
        test_compile.outcome(lambda: step(*[x] * n))


def test_a_region_whose_local_may_raise_is_never_skipped():
    gate = _gate_of_a_raising_argument()

    def f(*xs):  # relu(s) with s <= 0: the gradient into the sum is exactly 0
        s = Value(-100.0)
        for x in xs:
            s = s + x * gate(x)
        return s.relu()

    engine, compiled = _engine_and_compiled(f, 6, 0.0)
    assert engine[0] == "error" and engine[1] is ZeroDivisionError
    assert compiled == engine


def test_an_unused_local_that_may_raise_is_still_evaluated():
    gate = _gate_of_a_raising_argument()
    engine, compiled = _engine_and_compiled(lambda x: x * gate(Value(0.0) * 1.0), 1, 2.0)
    assert engine[0] == "error" and compiled == engine


def test_a_small_region_gets_no_test_and_the_readme_neuron_reads_as_before():
    x1, x2, w1, w2 = Value(2.0, "x1"), Value(0.0, "x2"), Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    neuron = autograd.compile(lambda: (x1 * w1 + x2 * w2 + b).relu())
    assert "isfinite" not in neuron.source and " if " not in neuron.source


def _every_region_guarded(monkeypatch):
    monkeypatch.setattr(skips, "MIN_STATEMENTS", 1)


def test_random_graphs_with_every_region_guarded(monkeypatch):
    """The random-graph agreement tests again, with even the smallest regions tested."""
    _every_region_guarded(monkeypatch)
    test_compile.test_argnums_equal_value_and_grad_on_random_graphs()
    test_compile.test_grad_effects_equal_backward_on_random_graphs()


@pytest.mark.parametrize("loss", ["hinge", "mse", "l1_penalty"])
def test_nn_models_with_every_region_guarded(loss, monkeypatch):
    _every_region_guarded(monkeypatch)
    test_compile.test_nn_models_with_every_loss(loss=loss)


@given(st.lists(st.sampled_from([-1.0, 1.0]), min_size=3, max_size=3),
       st.lists(st.floats(-3, 3), min_size=6, max_size=6), st.integers(0, 5))
def test_relu_nets_agree_bit_for_bit_wherever_they_are_stepped(ys, flat, seed):
    net = _net(seed=seed)
    twin = copy.deepcopy(net)
    xs = [flat[0:2], flat[2:4], flat[4:6]]
    step = autograd.compile(lambda xs: _hinge(net, xs, ys), xs)
    for _ in range(3):
        for p, q in zip(_params(net), _params(twin)):
            p.grad = q.grad = 0.0
        value = step(xs)
        out = _hinge(twin, [[Value(a) for a in x] for x in xs], ys)
        out.backward()
        assert same(value, out.data)
        for p, q in zip(_params(net), _params(twin)):
            assert same(p.grad, q.grad)
            p.data -= 0.5 * p.grad
            q.data -= 0.5 * q.grad


# --- the two facts the skipping rests on, held to floats -----------------------------------


@pytest.mark.parametrize("name", sorted(ALWAYS_FINITE))
def test_always_finite_functions_are_finite_everywhere(name):
    f = getattr(FLOAT_MATH, name)
    arity = len(inspect.signature(f).parameters)
    for args in itertools.product(SPECIALS, repeat=arity):
        assert math.isfinite(f(*args)), (name, args)


@pytest.mark.parametrize("op", [op for op in OPS.values()
                                if op.forward in FINITE_IMPLIES_FINITE_OPERANDS],
                         ids=lambda op: op.name)
def test_a_finite_result_of_these_forwards_has_finite_operands(op):
    for a in SPECIALS:
        for b in SPECIALS[: len(SPECIALS) if op.arity == 2 else 1]:
            args = (a, b) if op.arity == 2 else (a,)
            if math.isfinite(op.forward(*args)):
                assert all(math.isfinite(x) for x in args), (op.name, args)
