"""`gradcheck` and `gradgradcheck`: pass on right gradients, fail readably on wrong ones."""

from __future__ import annotations

import math

import pytest

from autograd import GradcheckError, Value, gradcheck, gradcheck_report, gradgradcheck


def smooth(x, y):
    return (x * y).tanh() + x.exp() / (y * y + 1.0)


def wrong_first(x):
    """x^2 whose gradient is x (not 2x): one factor is detached, so backprop misses it."""
    return x * x.detach()


def wrong_second(x):
    """x^3 with the right value and first derivative, 3x^2, but built from detached data.

    (x - x.detach()) is 0 everywhere yet has derivative 1, so only the analytic pass sees it;
    its coefficient is a constant, so the second derivative comes out 0 instead of 6x.
    """
    x0 = x.detach()
    return x0**3 + (x - x0) * (3 * x0**2)


def test_passes_on_correct_functions():
    assert gradcheck(smooth, 0.3, -1.2) is True
    assert gradcheck(lambda x: x.sin() * x.sqrt(), 1.7, order=3) is True
    assert gradgradcheck(smooth, Value(0.3), Value(-1.2)) is True


def test_wrong_gradient_raises_a_readable_table():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(wrong_first, 1.5)
    lines = str(caught.value).splitlines()
    assert lines[0] == "gradcheck failed for wrong_first at (x=1.5):"
    assert lines[1].split() == ["input", "mode", "analytic", "numeric", "abs", "err", "rel",
                                "err"]
    for line, mode in zip(lines[2:], ["rev (grad)", "fwd (jvp)"], strict=True):
        name, *rest = line.replace(mode, "").split()
        analytic, numeric = rest[:2]
        assert name == "x" and mode in line and float(analytic) == 1.5
        assert math.isclose(float(numeric), 3.0, rel_tol=1e-6)
        assert line.endswith("<- mismatch")


def test_only_the_wrong_input_is_marked():
    def half_wrong(a, b):
        return a * b + b * b.detach()

    with pytest.raises(GradcheckError) as caught:
        gradcheck(half_wrong, 2.0, 3.0)
    rows = str(caught.value).splitlines()[2:]
    assert [row.split()[:2] for row in rows] == [["a", "rev"], ["b", "rev"], ["a", "fwd"],
                                                  ["b", "fwd"]]
    assert [row.endswith("<- mismatch") for row in rows] == [False, True, False, True]


def test_first_order_passes_but_order_two_catches_a_wrong_second_derivative():
    assert wrong_second(Value(1.5)).data == 1.5**3
    assert gradcheck(wrong_second, 1.5) is True
    with pytest.raises(GradcheckError, match="mismatch"):
        gradcheck(wrong_second, 1.5, order=2)
    with pytest.raises(GradcheckError, match="dwrong_second/dx"):
        gradgradcheck(wrong_second, 1.5)


def test_tolerances_are_honoured():
    def slightly_off(x):
        return x * x + (x - x.detach()) * 1e-3  # gradient off by 1e-3

    with pytest.raises(GradcheckError):
        gradcheck(slightly_off, 1.0)
    assert gradcheck(slightly_off, 1.0, atol=2e-3) is True


def test_order_must_be_positive():
    with pytest.raises(ValueError, match="order"):
        gradcheck(smooth, 0.3, -1.2, order=0)


@pytest.mark.parametrize("kwargs, args", [({"eps": 0.0}, (1.0,)), ({}, ())])
def test_gradcheck_refuses_a_zero_step_or_no_point(kwargs, args):
    with pytest.raises(ValueError, match="gradcheck"):
        gradcheck(lambda *xs: Value(1.0), *args, **kwargs)


@pytest.mark.parametrize(
    ("f", "names"),
    [
        (lambda a, b: a * b.detach(), "a=1, b=2"),  # the function's own parameter names
        (lambda *xs: xs[0] * xs[1].detach(), "x0=1, x1=2"),  # no named parameters
    ],
)
def test_the_failure_table_names_the_inputs(f, names):
    with pytest.raises(GradcheckError, match=f"at \\({names}\\)"):
        gradcheck(f, 1.0, 2.0)


def test_a_callable_without_a_signature_is_checked_with_numbered_inputs():
    assert gradcheck(max, 1.0, 2.0) is True  # inspect.signature(max) raises ValueError


def test_order_must_be_an_int_of_at_least_one():
    f = lambda x: x * x  # noqa: E731
    for bad in (1.5, "2", True, None):
        with pytest.raises(TypeError, match=r"gradcheck: order must be an int >= 1, got"):
            gradcheck(f, 1.0, order=bad)
    with pytest.raises(ValueError, match=r"order must be an int >= 1, got 0"):
        gradcheck(f, 1.0, order=0)


@pytest.mark.parametrize(("modes", "shown"), [(("fwd",), ["fwd"]), ("rev", ["rev"]),
                                              (("rev", "fwd"), ["rev", "fwd"])])
def test_modes_choose_which_rows_are_checked(modes, shown):
    with pytest.raises(GradcheckError) as caught:
        gradcheck(wrong_first, 1.5, modes=modes)
    rows = str(caught.value).splitlines()[2:]
    assert [row.split()[1] for row in rows] == shown


@pytest.mark.parametrize("modes", [(), ("bwd",), ("rev", "forward")])
def test_unknown_modes_are_refused(modes):
    with pytest.raises(ValueError, match="modes must be some of 'rev' and 'fwd'"):
        gradcheck(smooth, 0.3, -1.2, modes=modes)


def test_forward_mode_checks_second_derivatives_too():
    assert gradcheck(lambda x: x.sin() * x.sqrt(), 1.7, order=3, modes=("fwd",)) is True
    with pytest.raises(GradcheckError, match="fwd"):
        gradcheck(wrong_second, 1.5, order=2, modes=("fwd",))


def test_at_a_kink_gradcheck_is_one_sided_and_says_so():
    """Kink-aware (tools/kinks.py, more in test_gradcheck_kinks.py): no false failure there."""
    assert gradcheck(lambda x: x.relu(), 0.0) is True
    note = ("note: x: left-sided difference: relu is at its kink 0, where relu'(0) = 0 is its "
            "left side's slope")
    assert note in str(gradcheck_report(lambda x: x.relu(), 0.0))

    def f(x, y):
        return (x * y).abs() + y

    assert gradcheck(f, 1e-7, 1.0) is True  # the kink is inside the graph, near the input
    assert "note: x: right-sided difference: abs's kink at 0 is closer than eps" in str(
        gradcheck_report(f, 1e-7, 1.0))


def test_a_failure_away_from_kinks_has_no_kink_note():
    with pytest.raises(GradcheckError) as failed:
        gradcheck(lambda x: wrong_first(x).relu(), 0.5)  # relu, but its input is 0.25
    assert "<- mismatch" in str(failed.value) and "note:" not in str(failed.value)
