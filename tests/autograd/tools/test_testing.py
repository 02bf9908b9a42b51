"""The hypothesis strategies: inside the smooth domains, every op reachable, reuse, readable."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from autograd import OPS, GradcheckError, Value, gradcheck, topological_order
from autograd.tools.testing import (
    DIFFERENTIATED,
    Expression,
    Step,
    expressions,
    floats_in,
    in_ranges,
    op_inputs,
)

ALL_OPS = pytest.mark.parametrize("op", OPS.values(), ids=lambda op: op.name)
DOMAINS = {d.name: d for op in OPS.values() for d in (*op.smooth, op.param_domain) if d}


@pytest.mark.parametrize("domain", DOMAINS.values(), ids=list(DOMAINS))
@given(data=st.data())
def test_floats_in_stays_in_the_ranges(domain, data):
    x = data.draw(floats_in(domain))
    assert in_ranges(x, domain) and x in domain


@ALL_OPS
@given(data=st.data())
def test_op_inputs_are_inside_the_smooth_domain(op, data):
    inputs = data.draw(op_inputs(op))
    assert len(inputs) == op.arity + (op.param is not None)
    for x, domain in zip(inputs, op.smooth):
        assert in_ranges(x, domain)
    if op.param is not None:
        assert in_ranges(inputs[-1], op.param_domain)
    assert op.check is None or op.check(*inputs) is None


def test_op_inputs_needs_a_parameter_domain():
    broken = dataclasses.replace(OPS["pow"], param_domain=None)
    with pytest.raises(ValueError, match="param_domain"):
        op_inputs(broken)


def steps_inputs(expr: Expression):
    """(step, [input values]) for every step, recomputed on floats."""
    values = list(expr.point)
    for step in expr.steps:
        inputs = [values[x] if isinstance(x, int) else x for x in step.operands]
        yield step, inputs
        values.append(step.op.forward(*inputs, *(() if step.param is None else (step.param,))))


@given(expressions())
def test_every_op_sees_inputs_inside_its_smooth_ranges(expr):
    sinks = sum(step.collects for step in expr.steps) + 1  # nodes the closing sums add up
    for step, inputs in steps_inputs(expr):
        if step.collects:  # the closing sums of unused nodes: a running sum of bounded values
            assert step.op is OPS["add"] and all(abs(x) <= 100.0 * sinks for x in inputs)
            continue
        assert all(in_ranges(x, d) for x, d in zip(inputs, step.op.smooth)), (step, inputs)
        out = step.op.forward(*inputs, *(() if step.param is None else (step.param,)))
        assert abs(out) <= 100.0


@given(expressions(ops=[OPS["log"], OPS["sin"]], max_variables=2, max_steps=4))
def test_expressions_keep_to_the_ops_and_sizes_asked_for(expr):
    assert 1 <= len(expr.variables) <= 2
    drawn = [s for s in expr.steps if not s.collects]
    assert len(drawn) <= 4
    # Beyond the drawn ops only the closing sums, or `x*x` for a lone variable, appear.
    assert {s.op.name for s in drawn} <= {"log", "sin"} or [s.op.name for s in drawn] == ["mul"]


@given(expressions())
def test_every_variable_reaches_the_output(expr):
    xs = [Value(x) for x in expr.point]
    reached = set(topological_order(expr(*xs)))
    assert all(x in reached for x in xs)


@ALL_OPS
def test_every_op_is_reachable(op):
    quick = settings(max_examples=2000, phases=[Phase.generate])  # the first hit, not shrunk
    found = find(expressions(ops=OPS.values()), lambda e: op.name in e.ops, settings=quick)
    assert op in [s.op for s in found.steps]


def test_default_expressions_leave_out_only_the_ops_finite_differences_cannot_check():
    assert [op.name for op in OPS.values() if op not in DIFFERENTIATED] == ["stop_gradient"]
    quick = settings(max_examples=300, phases=[Phase.generate])
    with pytest.raises(NoSuchExample):
        find(expressions(), lambda e: "stop_gradient" in e.ops, settings=quick)


def reuses_a_node_twice(e: Expression) -> bool:
    """Some step reads the same node twice: `a + a`, `a * a`."""
    return any(
        len(s.operands) == 2 and s.operands[0] == s.operands[1] and isinstance(s.operands[0], int)
        for s in e.steps
    )


def has_diamond(e: Expression) -> bool:
    """Some node is read by two different steps."""
    readers = [x for s in e.steps for x in set(s.operands) if isinstance(x, int)]
    return any(readers.count(i) > 1 for i in set(readers))


@pytest.mark.parametrize(
    "wanted", [reuses_a_node_twice, has_diamond, lambda e: len(e.variables) == 3],
    ids=["a+a", "diamond", "three-variables"],
)
def test_reuse_diamonds_and_several_variables_are_drawn(wanted):
    found = find(expressions(), wanted, settings=settings(phases=[Phase.generate]))
    assert wanted(found)


def test_an_expression_rebuilds_on_values_and_reads_well():
    expr = Expression(
        ("x", "y"), (0.5, 2.0),
        (Step(OPS["mul"], (0, 1)), Step(OPS["tanh"], (2,)), Step(OPS["pow"], (3,), 2.0),
         Step(OPS["add"], (4, 0.5))),
    )
    assert expr.formula() == "t1 = x*y; t2 = tanh(t1); t3 = t2**2.0; t4 = t3+0.5; return t4"
    leaky = Expression(("x",), (0.5,), (Step(OPS["leaky_relu"], (0,), 0.1),))
    assert leaky.formula() == "t1 = leaky_relu(x, 0.1); return t1"  # a call, not an operator
    assert repr(expr) == f"Expression(x=0.5, y=2.0: {expr.formula()})"
    x, y = Value(0.5), Value(2.0)
    out = expr(x, y)
    assert out.data == expr(0.5, 2.0).data
    assert out.op == "+" and x in topological_order(out)
    assert expr.ops == {"mul", "tanh", "pow", "add"}
    with pytest.raises(TypeError, match="takes 2 values"):
        expr(x)


def test_gradcheck_names_the_expression_variables():
    wrong = Expression(("x",), (1.0,), (Step(OPS["add"], (0, 0)),))
    assert gradcheck(wrong, *wrong.point)
    broken = dataclasses.replace(OPS["add"], partials=lambda m, a, b, out: (1.0, 0.0))
    with pytest.raises(GradcheckError, match=r"at \(x=1\)"):
        gradcheck(Expression(("x",), (1.0,), (Step(broken, (0, 0)),)), 1.0)


def test_core_package_imports_without_hypothesis():
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import autograd\n"
        "assert 'autograd.tools.testing' not in sys.modules\n"
        "try:\n    import autograd.tools.testing\nexcept ImportError:\n    print('lazy')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lazy"
