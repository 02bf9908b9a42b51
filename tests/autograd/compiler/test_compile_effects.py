"""autograd.compile and what f does beside its value: the global random state (never touched),
and nodes f makes that its value does not use (their errors are raised, as the engine does)."""

from __future__ import annotations

import random
import threading

import pytest
from autograd_checks import outcome, same
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, value_and_grad
from autograd.core.ops import REAL, Op
from autograd.core.value import apply


def flat(x):
    return [y for item in x for y in flat(item)] if isinstance(x, (list, tuple)) else [x]


def assert_same(ours, theirs):
    """Two outcomes equal: the same error (type and message), or the same numbers bit for bit."""
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[1:] == theirs[1:]
    else:
        assert all(map(same, flat(ours[1]), flat(theirs[1]))), (ours, theirs)


# --- the global random state --------------------------------------------------------------


def test_a_thread_drawing_random_numbers_during_a_compile_is_unaffected():
    # f lets the thread draw while f is traced: compile must neither rewind the thread's
    # numbers (it got repeats) nor take its draws for f's (it refused f)
    random.seed(1234)
    expected = random.Random(1234)
    drawn: list[float] = []
    go, done, stop = threading.Event(), threading.Event(), threading.Event()

    def drawer():
        while go.wait() and not stop.is_set():
            go.clear()
            drawn.append(random.random())
            done.set()

    def f(x):
        go.set()
        assert done.wait(60)  # returns once the thread has drawn: generous for a loaded machine
        done.clear()
        return x * 2.0

    thread = threading.Thread(target=drawer)
    thread.start()
    try:
        compiled = autograd.compile(f, 1.0)
        assert compiled(3.0) == 6.0
    finally:
        stop.set()
        go.set()
        thread.join()
    assert len(drawn) == 2  # one per trace (the program does not run f)
    assert drawn == [expected.random() for _ in drawn]
    assert random.getstate() == expected.getstate()


def test_f_drawing_random_numbers_is_caught_by_its_two_graphs_and_the_state_is_not_rewound():
    random.seed(7)
    with pytest.raises(ValueError, match="two different graphs.*must not draw random numbers"):
        autograd.compile(lambda x: x * random.random(), 1.0)
    twin = random.Random(7)
    twin.random()
    twin.random()
    assert random.getstate() == twin.getstate()  # f's two draws stay drawn, as f made them


def test_a_draw_that_changes_no_graph_is_not_refused():
    # drawn and thrown away: the program is f's, whatever f drew
    compiled = autograd.compile(lambda x: (random.random(), x * 3.0)[1], 2.0, argnums=0)
    assert compiled(5.0) == (15.0, 3.0)


# --- nodes f's value does not use -----------------------------------------------------------


def test_the_issues_unused_log_raises_the_engines_error():
    def f(x):
        x.log()
        return x * 2

    for argnums in (None, 0):
        compiled = autograd.compile(f, 1.0, argnums=argnums)
        assert "log(" in compiled.source
        with pytest.raises(ValueError) as ours:
            compiled(0.0)
        with pytest.raises(ValueError) as theirs:
            f(Value(0.0))
        assert str(ours.value) == str(theirs.value) == "log(0.0): log needs x > 0"
    assert autograd.compile(f, 1.0, argnums=0)(3.0) == value_and_grad(f)(3.0) == (6.0, 2.0)


def test_unused_nodes_read_unused_arguments_and_captured_values_and_touch_no_grad():
    w, v = Value(2.0, "w"), Value(5.0, "v")

    def f(x, y):
        (y * v).sqrt()  # y and v: only here
        (x - w).log()
        return x * w

    compiled = autograd.compile(f, 3.0, 1.0)
    by_args = autograd.compile(f, 3.0, 1.0, argnums=(0, 1))
    v.grad = None  # backward() does not reach v: nor may the program
    assert compiled(3.0, 1.0) == 6.0 and w.grad == 3.0 and v.grad is None
    assert by_args(3.0, 1.0) == value_and_grad(f, (0, 1))(3.0, 1.0) == (6.0, (2.0, 0.0))
    w.grad = 0.5
    for x, y in ((3.0, -1.0), (1.0, 1.0)):  # sqrt of -5, log of -1
        for run in (compiled, by_args):
            with pytest.raises(ValueError) as ours:
                run(x, y)
            with pytest.raises(ValueError) as theirs:
                f(Value(x), Value(y))
            assert str(ours.value) == str(theirs.value)
    assert w.grad == 0.5 and v.grad is None
    w.data = 0.0  # captured: read afresh, so the unused log(x - w) is fine at x = 1 now
    assert by_args(1.0, 1.0) == (0.0, (0.0, 0.0))


def test_a_user_ops_forward_raising_in_an_unused_node_is_the_engines_error():
    def forward(a):
        if a < 0:
            raise ValueError("no negatives here")
        return a

    fussy = Op("fussy_unused", "fussy", 1, forward, lambda m, a, out: (1.0,), "", (REAL,))

    def f(x):
        apply(fussy, x)
        return x + 1.0

    compiled = autograd.compile(f, 1.0, argnums=0)
    assert compiled(2.0) == (3.0, 1.0)
    with pytest.raises(ValueError, match="no negatives here") as ours:
        compiled(-1.0)
    assert "compiled program" not in str(ours.value)


_UNARY = {"log": Value.log, "sqrt": Value.sqrt, "tanh": Value.tanh, "exp": Value.exp,
          "recip": lambda a: 1.0 / a, "pow": lambda a: a ** -0.5}
_BINARY = {"add": Value.__add__, "mul": Value.__mul__, "div": Value.__truediv__,
           "sub": Value.__sub__}


@st.composite
def programs(draw):
    """Steps (op, operand, operand) over x, y, a captured w, and the nodes before; f returns
    one of them, so the others are unused."""
    steps = []
    for _ in range(draw(st.integers(1, 7))):
        op = draw(st.sampled_from(sorted(_UNARY) + sorted(_BINARY)))
        steps.append((op, draw(st.integers(0, 2 + len(steps))),
                      draw(st.integers(0, 2 + len(steps)))))
    returned = draw(st.integers(0, 2 + len(steps)))
    return steps, returned


POINTS = st.one_of(st.floats(-3.0, 3.0), st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0]),
                   st.floats(allow_nan=True, allow_infinity=True))


@given(programs(), st.lists(POINTS, min_size=3, max_size=3), st.booleans(), st.data())
def test_every_error_of_the_dynamic_forward_is_raised_compiled(program, point, check, data):
    steps, returned = program
    w = Value(0.5, "w")

    def f(x, y):
        nodes = [x, y, w]
        for op, a, b in steps:
            nodes.append(_UNARY[op](nodes[a]) if op in _UNARY else _BINARY[op](nodes[a], nodes[b]))
        return nodes[returned] * 1.0  # a node of its own, whichever was returned

    traced = outcome(lambda: autograd.compile(f, 1.5, 2.5, argnums=(0, 1), check=check))
    if traced[0] == "error":  # f fails at the example point: compile raises the engine's error
        assert traced[1:] == outcome(lambda: f(Value(1.5), Value(2.5)))[1:]
        return
    compiled = traced[1]
    reference = value_and_grad(f, (0, 1))
    for x, y in ((1.5, 2.5), point[:2]):
        assert_same(outcome(lambda x=x, y=y: compiled(x, y)),
                    outcome(lambda x=x, y=y: reference(x, y)))
    w.data = point[2]  # captured: read afresh at every call, by unused nodes too
    assert_same(outcome(lambda: compiled(1.5, 2.5)), outcome(lambda: reference(1.5, 2.5)))
