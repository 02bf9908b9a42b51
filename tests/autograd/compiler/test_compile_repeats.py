"""autograd.compile on graphs that repeat a computation: each unit written once and called,
bit for bit what the dynamic engine computes (values, every gradient, errors), including the
order in which the units add into a shared parameter's gradient."""

from __future__ import annotations

import contextlib
import copy
import math
import random
from unittest import mock

import pytest
from autograd_checks import outcome, same
from hypothesis import given, settings
from hypothesis import strategies as st
from test_compile import LOSSES, _loss, _model

import autograd
import nn
from autograd import OPS, Value, sum_of, value_and_grad
from autograd.compiler import repeats, skips
from autograd.tools.testing import expressions


@contextlib.contextmanager
def small_units():
    """Group even tiny repeated computations, and skip even tiny regions that add zeros, so
    small random graphs exercise the calls and the regions around and inside them."""
    with mock.patch.multiple(repeats, MIN_OPS=2, MIN_GRAPH=4, MOST_DISTINCT=1.0), \
            mock.patch.object(skips, "MIN_STATEMENTS", 1):
        yield


def fold(values):
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def grouped(compiled) -> int:
    """How many repeated units' backward functions the program defines."""
    return compiled.source.count("def _group")  # two per group


def assert_step_matches(f, make_twin, args, params, twin_params, later=()):
    """compiled f against f on the dynamic engine, traced at `args` and called there and at
    each of `later`: value, and every parameter's .grad from the same starting grads, bit
    for bit (or the same error). Returns the compiled f (None if tracing raised, as f did)."""
    made = outcome(lambda: autograd.compile(f, *args))
    if made[0] == "error":  # f itself raises at the example: the dynamic engine agrees
        assert outcome(lambda: make_twin(*args).backward())[1:] == made[1:]
        return None
    compiled = made[1]
    for point in (args, *later):
        for p, q in zip(params, twin_params):
            p.grad = q.grad = 0.25
        ours = outcome(lambda point=point: compiled(*point))

        def dynamic(point=point):
            out = make_twin(*point)
            out.backward()
            return out.data

        theirs = outcome(dynamic)
        assert ours[0] == theirs[0], (ours, theirs)
        if ours[0] == "ok":
            assert same(ours[1], theirs[1]), (ours, theirs)
        else:
            assert ours[1:] == theirs[1:]
        for k, (p, q) in enumerate(zip(params, twin_params)):
            assert same(p.grad, q.grad), (k, p.grad, q.grad)
    return compiled


# --- hypothesis: random units, shared parameters, every way of combining them --------------


@settings(max_examples=60, deadline=None)
@given(expressions(ops=OPS.values(), max_variables=3, max_steps=6), st.data())
def test_random_units_equal_the_engine_bit_for_bit(expr, data):
    """A random expression as the unit: its first variable a shared parameter, the others
    per-unit inputs; units combined by a fold, a balanced sum, or chained (each unit's output
    the next one's parameter-like input); .grad of the shared parameter gets every unit's
    contribution in backward()'s order."""
    units = data.draw(st.integers(3, 7), label="units")
    how = data.draw(st.sampled_from(["fold", "sum_of", "chain"]), label="how")
    width = len(expr.variables)
    inputs = [list(expr.point[1:]) for _ in range(units)]  # inside every op's domain
    later = [[data.draw(st.floats(-2, 2)) for _ in range(width - 1)] for _ in range(units)]
    w, twin_w = Value(expr.point[0]), Value(expr.point[0])

    def model(shared, xs):
        if how == "chain":
            h = shared
            for x in xs:
                h = expr(h, *x) if width > 1 else expr(h)
            return h * shared
        outs = [expr(shared, *x) for x in xs]
        return fold(outs) if how == "fold" else sum_of(outs)

    with small_units():
        compiled = assert_step_matches(lambda xs: model(w, xs), lambda xs: model(twin_w, xs),
                                       (inputs,), [w], [twin_w], [(later,)])
    if compiled is not None and how != "chain" and len(expr.steps) >= 2:  # 2 ops: grouped
        assert grouped(compiled), compiled.source


@settings(max_examples=40, deadline=None)
@given(expressions(ops=OPS.values(), max_variables=3, max_steps=5), st.data())
def test_random_units_argnums_equal_value_and_grad(expr, data):
    """Gradients of per-unit inputs (argnums): each returned from its unit's call."""
    units = data.draw(st.integers(2, 6), label="units")
    width = len(expr.variables)
    inputs = list(expr.point) * units  # each a number: value_and_grad's arguments

    def f(*xs):
        return sum_of([expr(*xs[k:k + width]) for k in range(0, len(xs), width)])

    argnums = tuple(range(len(inputs)))
    with small_units():
        compiled = autograd.compile(f, *inputs, argnums=argnums)
    reference = value_and_grad(f, argnums)
    point = [data.draw(st.floats(-3, 3)) for _ in inputs]
    if len(expr.steps) >= 2:
        assert grouped(compiled), compiled.source
    for args in (inputs, point):
        ours, theirs = outcome(lambda a=args: compiled(*a)), outcome(lambda a=args: reference(*a))
        assert ours[0] == theirs[0], (ours, theirs)
        if ours[0] == "ok":
            (v1, g1), (v2, g2) = ours[1], theirs[1]
            assert same(v1, v2)
            assert len(g1) == len(g2) and all(same(a, b) for a, b in zip(g1, g2)), (g1, g2)


@settings(max_examples=40, deadline=None)
@given(expressions(ops=OPS.values(), max_variables=3, max_steps=5), st.data())
def test_random_units_reading_a_value_computed_once_equal_the_engine(expr, data):
    """The shared input computed inside f (`w * 1.0`: an op, once), so each unit reads it from
    further back than the one before: more than MAX_OPS ops back (made small here) it reads
    it from outside whatever unit it is in, and the units are found all the same."""
    units = data.draw(st.integers(12, 18), label="units")
    how = data.draw(st.sampled_from(["fold", "sum_of"]), label="how")
    width = len(expr.variables)
    inputs = [list(expr.point[1:]) for _ in range(units)]
    w, twin_w = Value(expr.point[0]), Value(expr.point[0])

    def model(weight, xs):
        shared = weight * 1.0  # the same number, as an op computed before every unit
        outs = [expr(shared, *x) if width > 1 else expr(shared) for x in xs]
        return fold(outs) if how == "fold" else sum_of(outs)

    with small_units(), mock.patch.object(repeats, "MAX_OPS", 12):
        compiled = assert_step_matches(lambda xs: model(w, xs), lambda xs: model(twin_w, xs),
                                       (inputs,), [w], [twin_w])
    if compiled is not None and len(expr.steps) >= 2:  # 2 ops: grouped, far reads and all
        assert grouped(compiled), compiled.source


@settings(max_examples=40, deadline=None)
@given(expressions(ops=OPS.values(), max_variables=3, max_steps=5), st.data())
def test_random_units_whose_output_is_read_inside_and_outside_equal_the_engine(expr, data):
    """Each unit's output read inside its unit under a gate (a relu, min or max of a shifted
    copy, whose region may be skipped) and after every unit (a sum of them): the gradient it
    gets from outside comes in as a seed, which skipping must keep."""
    units = data.draw(st.integers(3, 8), label="units")
    gate = data.draw(st.sampled_from(["relu", "minimum", "maximum"]), label="gate")
    shift = data.draw(st.sampled_from([-1.0, 0.0, 1.0]), label="shift")
    width = len(expr.variables)
    inputs = [list(expr.point[1:]) for _ in range(units)]
    w, twin_w = Value(expr.point[0]), Value(expr.point[0])

    def model(weight, xs):
        outs = [expr(weight, *x) if width > 1 else expr(weight) for x in xs]
        gated = [(o + shift).relu() if gate == "relu" else getattr(o * weight, gate)(shift)
                 for o in outs]
        return sum_of(gated) + sum_of([o * o for o in outs])

    with small_units():
        assert_step_matches(lambda xs: model(w, xs), lambda xs: model(twin_w, xs), (inputs,),
                            [w], [twin_w])


def test_a_layer_normalized_once_then_applied_to_every_sample_is_called_per_unit():
    """Weights scaled by their norm once, then applied to each of 200 samples: the samples
    more than MAX_OPS ops after the scaling are units (the first few are written out)."""
    rng = random.Random(0)
    weights = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(6)]
    twins = [[Value(w.data) for w in row] for row in weights]
    samples = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(200)]

    def loss(rows, xs):
        norm = sum_of(w * w for row in rows for w in row).sqrt()
        scaled = [[w / norm for w in row] for row in rows]
        return fold([sum_of(sum_of(w * x for w, x in zip(row, sample)).tanh()
                            for row in scaled) ** 2 for sample in xs])

    flat, twin_flat = sum(weights, []), sum(twins, [])
    compiled = assert_step_matches(lambda xs: loss(weights, xs), lambda xs: loss(twins, xs),
                                   (samples,), flat, twin_flat,
                                   [([[x * 0.5 for x in s] for s in samples],)])
    assert grouped(compiled) >= 2, compiled.source[:2000]
    with mock.patch.object(repeats, "MAX_OPS", 10**9):  # no read is too far back for a unit:
        # each sample reads the scaled weights at distances of its own, so nothing repeats
        assert grouped(autograd.compile(lambda xs: loss(weights, xs), samples)) == 0


# --- the networks a user compiles: MLP batches, an LSTM over several lengths ----------------


@pytest.mark.parametrize("combine", ["fold", "sum_of", "mean"])
def test_an_mlp_on_a_batch_is_one_call_per_sample(combine):
    model = nn.MLP(2, [6, 6, 1], rng=3)
    twin = copy.deepcopy(model)
    rng = random.Random(0)
    points = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(24)]
    ys = [rng.choice([-1.0, 1.0]) for _ in points]

    def loss(net, xs):
        terms = [(1 - y * net(x)[0]).relu() for x, y in zip(xs, ys)]
        total = fold(terms) if combine == "fold" else sum_of(terms)
        return total * (1.0 / len(terms)) if combine == "mean" else total

    compiled = assert_step_matches(lambda xs: loss(model, xs), lambda xs: loss(twin, xs),
                                   (points,), model.parameters(), twin.parameters())
    assert grouped(compiled) == 2, compiled.source[:2000]
    calls = compiled.source.count("= _group0_backward(")
    # units apart (a tree's adds between them): a call per unit; units that follow one
    # another (a sample and its add to the fold): one call, looping over them
    assert calls >= 12 or (calls == 1 and "for _u in range(" in compiled.source), calls
    for _ in range(3):  # later calls, new points: still the engine's bits
        points = [[a + 0.5, b - 0.25] for a, b in points]
        for p, q in zip(model.parameters(), twin.parameters()):
            p.grad = q.grad = 0.0
        value = compiled(points)
        out = loss(twin, points)
        out.backward()
        assert same(value, out.data)
        assert all(same(p.grad, q.grad) for p, q in zip(model.parameters(), twin.parameters()))


@pytest.mark.parametrize("loss", LOSSES)
def test_nn_models_with_every_loss_in_units(loss):
    """compile's nn-model test, on a batch of 12 with even small units grouped: every loss."""
    rng = random.Random(len(loss))
    xs = [[rng.uniform(-3, 3), rng.uniform(-3, 3)] for _ in range(12)]
    ys = [rng.choice([-1.0, 1.0]) for _ in xs]
    model = _model()
    twin = copy.deepcopy(model)
    with small_units():
        compiled = assert_step_matches(
            lambda xs: _loss(loss, model, xs, ys), lambda xs: _loss(loss, twin, xs, ys),
            (xs,), model.parameters(), twin.parameters(),
            [([[a * 0.5, b + 1.0] for a, b in xs],)])
    assert grouped(compiled)


def test_a_batch_of_samples_under_min_ops_each_is_found_by_its_period():
    """A sample of fewer than MIN_OPS ops whose ops also repeat inside it (a neuron's
    multiply-adds): its period is a rarer distance between equal ops than theirs, yet the
    one that covers the graph."""
    model = nn.MLP(3, [3, 1], rng=5)
    twin = copy.deepcopy(model)
    rng = random.Random(1)
    points = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(150)]

    def loss(net, xs):
        return fold([net(x)[0] ** 2 for x in xs])

    compiled = assert_step_matches(lambda xs: loss(model, xs), lambda xs: loss(twin, xs),
                                   (points,), model.parameters(), twin.parameters())
    assert grouped(compiled) == 2, compiled.source[:2000]


def _language_model(cell, dim, hidden):
    import demos.words as words

    vocab = ["<end>", "the", "cat", "sat", "on", "mat"]
    model = words.LanguageModel(vocab, dim=dim, hidden=hidden, cell=cell, seed=1)
    return words, model


@pytest.mark.parametrize("cell, dim, hidden", [("lstm", 3, 4), ("rnn", 3, 4), ("lstm", 8, 16)])
def test_a_recurrent_model_over_sentences_of_several_lengths(cell, dim, hidden):
    """The words demo's step, compiled once per sentence length: each time step one unit.
    (At the demo's size, the units of several groups alternate, and a skippable region's
    test must not read a value only a unit's function has.)"""
    words, model = _language_model(cell, dim, hidden)
    twin = copy.deepcopy(model)
    for length in (3, 6, 9):
        sentence = [model.vocab[1 + k % 5] for k in range(length)]
        xs = words.one_hot(model, ["<end>", *sentence])
        ys = words.one_hot(model, [*sentence, "<end>"])
        compiled = assert_step_matches(
            lambda a, b: words.sentence_loss(model, a, b, 0.5),
            lambda a, b: words.sentence_loss(twin, a, b, 0.5),
            (xs, ys), model.parameters(), twin.parameters())
        if length == 9:
            assert grouped(compiled), "a 10-step sequence repeats its cell"


# --- what grouping must not change ---------------------------------------------------------


def test_a_graph_without_repetition_is_written_out_as_before():
    """Nothing repeats: no function is made, and every value and gradient is the engine's."""
    rng = random.Random(5)
    plan = [(rng.choice(["add", "mul", "tanh", "sub", "sin"]), rng.randrange(k + 4))
            for k in range(800)]
    xs, twins = [Value(rng.uniform(-1, 1)) for _ in range(4)], None
    twins = copy.deepcopy(xs)

    def f(leaves):
        nodes = list(leaves)
        for op, other in plan:
            a, b = nodes[-1], nodes[other]
            nodes.append(a + b if op == "add" else a * 0.5 * b if op == "mul" else
                         a - b if op == "sub" else a.tanh() if op == "tanh" else a.sin())
        return nodes[-1]

    compiled = assert_step_matches(lambda: f(xs), lambda: f(twins), (), xs, twins)
    assert grouped(compiled) == 0


def test_errors_inside_a_unit_are_the_engines():
    """A domain error in one unit's forward or backward: the engine's error, no .grad moved."""
    w = Value(1.0, "w")
    with small_units():
        step = autograd.compile(lambda xs: sum_of([(w * x).log() * x for x in xs]),
                                [1.0, 2.0, 3.0, 4.0])
    assert grouped(step)
    w.grad = 0.5
    with pytest.raises(ValueError) as ours:
        step([1.0, 2.0, -3.0, 4.0])
    with pytest.raises(ValueError) as theirs:
        sum_of([(w * Value(x)).log() * x for x in [1.0, 2.0, -3.0, 4.0]]).backward()
    assert str(ours.value) == str(theirs.value)
    assert w.grad == 0.5


@pytest.mark.parametrize("gate", [-1.0, 1.0])  # the relu off (its region skipped), or on
def test_a_node_read_by_units_and_by_a_skippable_region(gate):
    """j starts a chain of units and, after them, a chain of adds and products under a relu,
    whose region is skipped when the relu is off: backward meets the region first, and j's
    gradient from it is a variable an add (with no statement) shares, so skipping must still
    set it (0) for the units' backward (it was unset: the region's renames were cut short)."""
    w, twin = Value(0.5, "w"), Value(0.5, "w")
    pick = random.Random(3)
    steps = [pick.choice("am") for _ in range(80)]  # not periodic: written out, not a unit

    def f(w):
        j = w * 3.0
        y = j
        for _ in range(100):
            y = (y * 0.9 + 0.1).tanh()
        z = j
        for op in steps:
            z = z + 0.5 if op == "a" else z * 1.01  # locals known finite: skippable
        return y + (z * gate).relu()

    compiled = assert_step_matches(lambda: f(w), lambda: f(twin), (), [w], [twin])
    assert grouped(compiled) and "isfinite" in compiled.source, compiled.source


@pytest.mark.parametrize("margin", [-0.5, 0.5, 5.0])  # relus on, mixed, off
def test_a_units_output_read_inside_it_under_a_relu_and_outside_it(margin):
    """Each sample's prediction is read inside its unit (under a relu whose region may be
    skipped) and from outside it (a sum of squares after every sample): the gradient it gets
    from outside comes in as a seed, which skipping the region must not drop (it was dropped:
    every weight's gradient wrong where a relu was off, found by fuzzing)."""
    model = nn.MLP(2, [8, 1], rng=0)
    twin = copy.deepcopy(model)
    rng = random.Random(0)
    points = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(64)]

    def loss(net, xs):
        preds = [net(x)[0] for x in xs]
        return sum_of([(p - margin).relu() for p in preds]) + 0.1 * sum_of(
            [p * p for p in preds])

    compiled = assert_step_matches(lambda xs: loss(model, xs), lambda xs: loss(twin, xs),
                                   (points,), model.parameters(), twin.parameters(),
                                   [([[a * 0.5, b - 1.0] for a, b in points],)])
    assert grouped(compiled), compiled.source[:2000]


def test_units_reading_captured_values_that_an_op_made():
    """Values made by an op before compile, one per unit, read by units of a balanced sum:
    their backward runs between the units' calls and adds to the shared parameters' gradients
    (they were overwritten by the packed ones: a wrong .grad, found by review)."""
    w, b = Value(0.7, "w"), Value(-0.1, "b")
    tw, tb = Value(0.7, "w"), Value(-0.1, "b")
    cs = [w * float(k) + b for k in range(8)]  # made before compile: captured, with an op
    tcs = [tw * float(k) + tb for k in range(8)]

    def f(w, b, cs, xs):
        return sum_of([((cs[k] * x + b).tanh() * w + x).tanh() * b for k, x in enumerate(xs)])

    with small_units():
        compiled = assert_step_matches(lambda xs: f(w, b, cs, xs), lambda xs: f(tw, tb, tcs, xs),
                                       ([0.1 * k + 0.3 for k in range(8)],), [w, b], [tw, tb])
    assert grouped(compiled)


def test_runs_apart_by_one_op_give_units_that_do_not_overlap():
    """Two runs of the same computation a single op apart: the first's units reach a period
    past its end, and must not take the second's ops (one node in two units: NameError, or
    a SyntaxError in the program, found by review)."""
    p1, p2 = Value(0.3, "p1"), Value(0.6, "p2")
    t1, t2 = Value(0.3, "p1"), Value(0.6, "p2")

    def f(p1, p2, x):
        def body(a, b):
            h = a / (a * a + 1.0)
            h = (h + p1).sigmoid().tanh()
            h = h / (h * h + 1.0)
            return h * b
        o0 = body(x[0], x[1])
        o1 = body(o0, x[1])
        o2 = body(o1, o0)
        o3 = body(o2, o1)
        o4 = body(o3, x[5])
        o5 = body(o3, o0)
        return body(x[0], x[0]) + (o5 * p1 + p2) + 0.0 * o4

    with mock.patch.multiple(repeats, MIN_OPS=8, MIN_GRAPH=16, MOST_DISTINCT=1.0), \
            mock.patch.object(skips, "MIN_STATEMENTS", 1):
        compiled = assert_step_matches(
            lambda xs: f(p1, p2, xs), lambda xs: f(t1, t2, xs),
            ([0.1, -0.4, 0.7, 0.2, -0.9, 0.5, 0.3],), [p1, p2], [t1, t2])
    assert grouped(compiled)


def test_a_deep_chain_is_one_loop_forward_and_one_backward():
    """y = relu(y * w + b), 3,000 times: units that follow one another, each handing its y to
    the next; the two functions loop, and w's and b's gradients are backward()'s bits."""
    w, b = Value(0.5, "w"), Value(1.0, "b")
    twins = Value(0.5), Value(1.0)

    def chain(w, b, y):
        for _ in range(3000):
            y = (y * w + b).relu()
        return y

    compiled = assert_step_matches(lambda y: chain(w, b, y), lambda y: chain(*twins, y),
                                   (1.0,), [w, b], list(twins), [(-3.0,), (0.25,)])
    source = compiled.source
    assert source.count("= _group0_forward(") == 1 and "for _u in range(" in source
    assert len(source.splitlines()) < 3000


def test_source_shows_one_unit_and_its_calls():
    """A learner reads one sample's forward and backward, then the calls."""
    model = nn.MLP(2, [8, 1], rng=0)
    points = [[0.1 * k, -0.2 * k] for k in range(32)]
    compiled = autograd.compile(lambda xs: sum_of([model(x)[0] ** 2 for x in xs]), points)
    source = compiled.source
    assert "def _group0_forward(" in source and "def _group0_backward(" in source
    assert source.count("= _group0_forward(") == source.count("= _group0_backward(")
    assert len(source.splitlines()) < 1855 / 3  # the ops: one unit, then calls
    assert math.isfinite(compiled(points))
