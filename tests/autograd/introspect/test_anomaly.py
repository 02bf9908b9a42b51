"""Anomaly mode: errors name the op, value, label and the user's line; off, it costs nothing."""

from __future__ import annotations

import inspect
import math
import sys

import pytest

from autograd import AnomalyError, Value, backward_steps, detect_anomaly
from autograd.core import mode
from autograd.introspect import anomaly as anomaly_module


def here(offset: int = 0) -> str:
    """`this_file:line` of the caller's line plus `offset`."""
    frame = inspect.currentframe().f_back
    return f"{__file__}:{frame.f_lineno + offset}"


def test_domain_error_keeps_its_type_and_gains_the_line():
    x = Value(0.0, "x")
    with detect_anomaly(), pytest.raises(ValueError) as caught:
        where = here(1)
        x.log()
    message = str(caught.value)
    assert message.startswith("log(x=0.0): log needs x > 0")
    assert f"at {where}: x.log()" in message


def test_inf_in_a_forward_value_names_op_operands_and_line():
    big = Value(800.0, "big")
    with detect_anomaly(), pytest.raises(AnomalyError) as caught:
        where = here(1)
        big.exp()
    assert "exp(big=800.0) gave inf in the forward pass" in str(caught.value)
    assert f"at {where}: big.exp()" in str(caught.value)


def overflowing_backward():
    """c = (a*1e-300)*1e300 is finite, but its backward gives the constant 1e-300 an inf grad."""
    a = Value(1e300, "a")
    b = a * 1e-300
    b.label = "b"
    return b * 1e300, here(-2)


@pytest.mark.parametrize("run", [lambda c: c.backward(), lambda c: list(c.backward_steps())],
                         ids=["backward", "backward_steps"])
def test_inf_gradient_blames_the_node_and_its_line(run):
    with detect_anomaly():
        c, where = overflowing_backward()
        with pytest.raises(AnomalyError) as caught:
            run(c)
    message = str(caught.value)
    assert "backward of mul node (label 'b', data 1.0)" in message
    assert "its operand (data 1e-300) a gradient of inf" in message
    assert f"made at {where}: b = a * 1e-300" in message


@pytest.mark.parametrize("run", [lambda y: y.backward(), lambda y: list(y.backward_steps())],
                         ids=["backward", "backward_steps"])
def test_finite_contributions_that_overflow_when_summed(run):
    with detect_anomaly():
        a = Value(1e-308, "a")
        y = a * 1e308 + a * 1e308
        with pytest.raises(AnomalyError, match="gradient of leaf node \\(label 'a'.*overflowed"):
            run(y)


def test_graph_made_outside_is_still_checked_but_has_no_line():
    c, _ = overflowing_backward()
    with detect_anomaly(), pytest.raises(AnomalyError, match="made outside detect_anomaly"):
        c.backward()


def test_nan_seed_is_an_anomaly():
    y = Value(2.0, "x") * 3.0
    with detect_anomaly():
        with pytest.raises(AnomalyError, match="seeded with nan"):
            y.backward(math.nan)
        with pytest.raises(AnomalyError, match="seeded with nan"):
            list(backward_steps(y, math.nan))


def test_stepper_adds_the_line_to_an_infinite_derivative():
    with detect_anomaly():
        where = here(1)
        y = Value(0.0, "x").sqrt()
        with pytest.raises(ZeroDivisionError, match=f"sqrt.*made at {where}") as caught:
            list(y.backward_steps())
    assert str(caught.value).count("made at") == 1  # the line is added once, not per layer


def test_where_knows_each_node_and_nested_blocks_see_outer_nodes():
    with detect_anomaly() as outer:
        where = here(1)
        q = Value(2.0) * 3
        with detect_anomaly() as inner:
            r = q + 1
            assert inner.where(q) == f"{where}: q = Value(2.0) * 3"
            assert inner.where(r) == f"{here(-2)}: r = q + 1"
        assert outer.where(q) == f"{where}: q = Value(2.0) * 3"
        assert outer.where(r) == ""  # the inner block's nodes went with it
    assert outer.where(q) == ""


def test_nothing_is_kept_alive_after_the_block():
    with detect_anomaly() as spy:
        y = Value(2.0, "x") * 3
        assert spy.lines
    assert spy.lines == {}
    fresh = Value(2.0, "x") * 3
    assert sys.getrefcount(y) == sys.getrefcount(fresh)


def test_mode_is_restored_even_after_an_error():
    with pytest.raises(ValueError), detect_anomaly():
        Value(-1.0).log()
    assert mode.get_mode().watcher is None
    assert anomaly_module._active.get() is None


def test_off_by_default_and_hooks_are_not_called(monkeypatch):
    def boom(*args):
        raise AssertionError("an anomaly hook ran while anomaly mode was off")

    for hook in ("on_forward", "on_domain_error", "on_gradients", "check_step", "check_seed"):
        monkeypatch.setattr(anomaly_module, hook, boom)
    assert mode.get_mode().watcher is None
    c, _ = overflowing_backward()
    c.backward()  # inf gradients, silently, as IEEE says
    list(c.backward_steps())
    with pytest.raises(ValueError, match="log needs"):
        Value(0.0).log()
    assert math.isinf(c.parents[0].parents[1].grad)


def test_a_context_object_cannot_be_entered_twice():
    spy = detect_anomaly()
    with spy, pytest.raises(RuntimeError, match="already active"), spy:
        pass


def test_an_infinite_derivative_in_backward_names_the_line_that_made_the_node():
    with detect_anomaly():
        y = Value(0.0, "s").sqrt()  # the line the error must name
        with pytest.raises(ZeroDivisionError, match=r"sqrt\(s=0.0\).*test_anomaly.py:\d+"):
            y.backward()
