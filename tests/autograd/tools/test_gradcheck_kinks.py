"""Kink-aware gradcheck: one-sided differences where an op's kink is within eps, named in the
report; wrong rules still caught; failures on hypothesis graphs shrink, and draw."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from needs import need

from autograd import (
    OPS,
    GradcheckError,
    Value,
    define_op,
    gradcheck,
    gradcheck_report,
    maximum,
    minimum,
)
from autograd.ops import Domain
from autograd.testing import Expression, expressions, op_inputs

EPS = 1e-6


def central(f, x: float) -> float:
    """The plain central difference, on floats: what gradcheck compared with before."""
    return (f(Value(x + EPS)).data - f(Value(x - EPS)).data) / (2 * EPS)


def notes(report) -> list[str]:
    return [line for line in str(report).splitlines() if line.startswith("note: ")]


@pytest.mark.parametrize(("f", "x", "side", "analytic"), [
    (lambda x: x.relu(), 0.0, "left", 0.0),  # relu'(0) = 0: the left side's slope
    (lambda x: (-x).relu(), 0.0, "right", 0.0),  # the operand falls as x rises
    (lambda x: x.leaky_relu(0.1), 0.0, "left", 0.1),  # leaky_relu'(0) = slope
    (lambda x: (x * 2.0 + 1.0).relu() * 3.0, -0.5, "left", 0.0),  # a kink deeper in
    (lambda x: x.relu(), 3e-7, "right", 1.0),  # beside the kink: the smooth side
    (lambda x: x.relu(), -3e-7, "left", 0.0),
    (lambda x: x.abs(), 4e-7, "right", 1.0),
    (lambda x: x.abs(), -4e-7, "left", -1.0),
])
def test_one_sided_where_a_kink_is_within_eps(f, x, side, analytic):
    report = gradcheck_report(f, x)
    assert report and gradcheck(f, x) is True
    assert {row.numeric.side for row in report.rows} == {side}
    assert all(row.analytic == pytest.approx(analytic, abs=1e-12) for row in report.rows)
    assert notes(report) and notes(report)[0].startswith(f"note: x: {side}-sided difference: ")
    assert abs(central(f, x) - analytic) > 1e-2  # the plain central difference is wrong here


@pytest.mark.parametrize(("f", "point", "sides"), [
    (maximum, (1.0, 1.0), ["right", "left"]),  # a tie goes to a: a stays the larger to the right
    (minimum, (1.0, 1.0), ["left", "right"]),
    (lambda x, y: maximum(y, x), (1.0, 1.0), ["left", "right"]),
    (maximum, (1.0, 1.0 + 3e-7), ["left", "right"]),  # beside the tie: the smooth sides
])
def test_maximum_and_minimum_are_one_sided_at_a_tie(f, point, sides):
    report = gradcheck_report(f, *point)
    assert report and [row.numeric.side for row in report.rows[:2]] == sides
    assert all(row.numeric.note for row in report.rows)
    x = point[0]
    plain = (f(Value(x + EPS), Value(point[1])).data - f(Value(x - EPS), Value(point[1])).data)
    assert point[0] != point[1] or abs(plain / (2 * EPS) - report.rows[0].analytic) > 0.4


def test_the_note_says_which_side_and_why():
    (relu,) = notes(gradcheck_report(lambda x: x.relu(), 0.0))
    assert relu == ("note: x: left-sided difference: relu is at its kink 0, where relu'(0) = 0 "
                    "is its left side's slope")
    (beside,) = notes(gradcheck_report(lambda x: x.relu(), 3e-7))
    assert beside == "note: x: right-sided difference: relu's kink at 0 is closer than eps"


def test_abs_at_its_kink_is_the_mean_of_both_sides():
    report = gradcheck_report(lambda x: x.abs(), 0.0)
    assert report and {row.numeric.side for row in report.rows} == {"central"}
    assert "abs'(0) = 0 is the mean of its two sides' slopes" in notes(report)[0]


def test_a_wrong_rule_beside_a_kink_is_still_caught():
    half = define_op("half_relu", lambda a: a if a > 0 else 0.0,
                     lambda m, a, out: (0.5 * m.step(a),),  # the bug: relu' is 1 for a > 0
                     smooth=OPS["relu"].smooth, kink="half_relu'(0) = 0")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(half, 3e-7)
    text = str(caught.value)
    assert "<- mismatch" in text and "right-sided difference: half_relu's kink" in text
    assert gradcheck(half, -2.0) is True  # left of the kink it is right


def test_a_user_op_declares_its_kink_and_gets_the_same():
    hinge = define_op("hinge_at_1", lambda a: max(0.0, 1.0 - a),
                      lambda m, a, out: (-m.step(1.0 - a),),  # 0 at a = 1: the right side
                      smooth=Domain("a != 1", lambda a: a != 1, ((-3.0, 0.95), (1.05, 3.0)),
                                    breaks=(1.0,)),
                      kink="hinge_at_1'(1) = 0")
    report = gradcheck_report(hinge, 1.0)
    assert report and {row.numeric.side for row in report.rows} == {"right"}
    assert abs(central(hinge, 1.0) - 0.0) > 0.4  # -0.5: a false failure without kinks


def test_kinks_on_both_sides_closer_than_eps_take_a_smaller_step():
    def f(x):
        return (x - 4e-7).relu() + (x + 4e-7).relu()

    report = gradcheck_report(f, 0.0)
    assert report and {row.numeric.side for row in report.rows} == {"central"}
    assert all(row.numeric.value == pytest.approx(1.0) for row in report.rows)


def test_kinks_picking_different_sides_are_reported_not_checked():
    report = gradcheck_report(lambda x: x.relu() + x.abs(), 0.0)
    assert report  # not a false failure...
    assert all(row.numeric.value is None for row in report.rows)  # ...and not a false pass
    assert "not checked" in str(report).splitlines()[2]
    assert notes(report)[0].startswith("note: x: not checked: no one difference fits")


@settings(max_examples=150, deadline=None, database=None)
@given(expressions(kinks=True))
def test_every_table_op_passes_on_graphs_that_reach_its_kinks(expr):
    assert gradcheck(expr, *expr.point)


@pytest.mark.parametrize("name", ["relu", "abs", "leaky_relu"])
def test_op_inputs_reach_the_kinks(name):
    drawn = []

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(op_inputs(OPS[name], kinks=True))
    def check(inputs):
        drawn.append(inputs[0])
        assert gradcheck(lambda x: getattr(x, name)(*inputs[1:]), inputs[0])

    check()
    assert 0.0 in drawn


SQUARE = define_op("bad_square", lambda a: a * a, lambda m, a, out: (a,))  # the bug: 2a


def shrunk_failure() -> GradcheckError:
    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(expressions(ops=[SQUARE, OPS["add"], OPS["mul"], OPS["tanh"], OPS["exp"]]))
    def check(expr):
        assert gradcheck(expr, *expr.point)

    with pytest.raises(GradcheckError) as caught:
        check()
    return caught.value


def test_a_wrong_user_op_rule_shrinks_to_a_small_graph_that_names_it():
    failure = shrunk_failure()
    expr = failure.report.function
    assert isinstance(expr, Expression) and "bad_square" in expr.ops
    assert len(expr.steps) <= 2, expr
    lines = str(failure).splitlines()
    assert lines[0] == f"gradcheck failed for {expr!r} at " + re.search(r"at (\(.*\)):$",
                                                                          lines[0]).group(1) + ":"
    assert lines[-1] == ("failure.draw() draws this graph; the rule of bad_square disagrees "
                         "with its own forward there (filled)")
    mismatched = [line for line in lines if line.endswith("<- mismatch")]
    assert mismatched  # the analytic and numeric values per input, as any table


def test_the_drawn_failure_fills_the_wrong_op():
    need("dot")
    failure = shrunk_failure()
    source = failure.draw().source
    filled = re.findall(r"^\t(n\d+) \[.*fillcolor", source, flags=re.M)
    assert len(filled) == 1
    assert re.search(rf"^\t{filled[0]}_op \[label=bad_square ", source, flags=re.M)
    assert "label=" in source and "->" in source  # edges carry the local derivatives


def test_any_failing_function_can_be_drawn():
    need("dot")
    cube = define_op("cube_wrong", lambda a: a**3, lambda m, a, out: (2 * a * a,))
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: cube(x) + x, 1.5)
    assert "failure.draw()" not in str(caught.value)  # a plain function: the table as before
    assert len(re.findall(r"fillcolor", caught.value.draw().source)) == 1
