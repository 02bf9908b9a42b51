"""User ops (`define_op`): each part of the toolkit, exercised with an op defined here."""

from __future__ import annotations

import copy
import math
import pickle

import pytest
import sympy
from hypothesis import given, settings

import autograd
from autograd import (
    OPS,
    AnomalyError,
    GradcheckError,
    Value,
    backward_steps,
    define_op,
    detect_anomaly,
    draw_dot,
    explain,
    grad,
    gradcheck,
    hessian,
    jacobian,
    jvp,
    text_graph,
)
from autograd.core.ops import NONZERO, Domain
from autograd.introspect.symbolic import rule_texts
from autograd.tools.testing import expressions, op_inputs
from autograd.transforms.userops import USER_OPS

# Module-level ops; a name is global (a second define_op of it replaces the first).
cube = define_op("cube_u", lambda a: a**3, lambda m, a, out: (3 * a * a,), doc="a cubed")
hypot = define_op("hypot_u", lambda a, b: math.hypot(a, b),
                  lambda m, a, b, out: (a / out, b / out), smooth=(NONZERO, NONZERO),
                  kink="not differentiable at (0, 0)", doc="sqrt(a*a + b*b)")


def _check_logit(p):
    return None if 0 < p < 1 else (ValueError, "logit needs 0 < p < 1")


PROBABILITY = Domain("0 < p < 1", lambda p: 0 < p < 1, ((0.05, 0.95),))
logit = define_op("logit_u", lambda p: math.log(p / (1 - p)),
                  lambda m, p, out: (1 / (p * (1 - p)),), check=_check_logit, smooth=PROBABILITY)
bad_cube = define_op("bad_cube_u", lambda a: a**3, lambda m, a, out: (2 * a * a,))  # wrong: 2 not 3


def test_backward_and_create_graph_to_any_order():
    x = Value(1.5, "x")
    y = cube(x) * hypot(x, 2.0)
    y.backward(create_graph=True)
    r = math.hypot(1.5, 2.0)
    assert x.grad.data == pytest.approx(3 * 1.5**2 * r + 1.5**3 * 1.5 / r)
    a = Value(2.0)
    cube(a).backward(create_graph=True)
    first = a.grad
    a.grad = 0.0
    first.backward()
    assert first.data == 12.0 and a.grad == 12.0  # 3a^2, then d2/da2 a^3 = 6a


def test_numbers_in_give_a_float_and_values_in_give_a_value():
    assert cube(2.0) == 8.0 and type(cube(2.0)) is float
    assert isinstance(cube(Value(2.0)), Value) and cube(Value(2.0)).op == "cube_u"
    assert hypot(Value(3.0), 4.0).data == 5.0


def test_forward_mode_and_the_transforms():
    assert jvp(cube, (2.0,), (1.0,)) == (8.0, 12.0)
    assert jvp(cube, (Value(2.0),), (1.0,))[1].data == 12.0
    assert grad(grad(cube))(2.0) == 12.0
    assert hessian(cube)(2.0) == 12.0
    for mode in ("rev", "fwd"):
        assert jacobian(hypot, (0, 1), mode=mode)(3.0, 4.0) == pytest.approx((0.6, 0.8))


def test_the_rule_runs_on_sympy_and_matches_its_derivative():
    class SympyMath:  # the rules' m, in sympy (what tests/autograd/test_ops.py uses)
        sqrt = staticmethod(sympy.sqrt)

    a, b = sympy.symbols("a b", positive=True)
    out = sympy.sqrt(a * a + b * b)
    rule = hypot.op.partials(SympyMath, a, b, out)
    assert sympy.simplify(rule[0] - sympy.diff(out, a)) == 0
    assert sympy.simplify(rule[1] - sympy.diff(out, b)) == 0
    p = sympy.Symbol("p", positive=True)
    (d,) = logit.op.partials(SympyMath, p, sympy.log(p / (1 - p)))
    assert sympy.simplify(d - sympy.diff(sympy.log(p / (1 - p)), p)) == 0


def test_stepper_text_explain_text_graph_and_drawing():
    x = Value(2.0, "x")
    y = cube(x)
    y.label = "y"
    steps = list(backward_steps(y))
    assert "d(x**3)/dx = 3*x*x" in str(steps[-1])
    assert rule_texts(cube.op) == ("d(a**3)/da = 3*a*a",)
    assert "cube_u" in str(explain(y))
    assert "y = x**3" in str(text_graph(y))
    assert "_op [label=cube_u " in draw_dot(y).source  # the op's ellipse names it


def test_domain_errors_name_op_value_and_label():
    p = Value(1.5, "p")
    with pytest.raises(ValueError, match=r"^logit_u\(p=1.5\): logit needs 0 < p < 1$"):
        logit(p)
    with pytest.raises(ValueError, match=r"^logit_u\(1.5\): logit needs"):
        logit(1.5)
    with pytest.raises(ValueError, match=r"^logit_u\(1.5\): logit needs"):
        jvp(logit, (1.5,), (1.0,))


def test_anomaly_mode_sees_user_ops():
    blow_up = define_op("blow_up_u", lambda a: math.inf if a > 1 else a, lambda m, a, out: (1.0,))
    x = Value(2.0, "x")
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"blow_up_u\(x=2.0\) gave inf"):
        blow_up(x)
    with detect_anomaly(), pytest.raises(ValueError, match=r"logit_u\(x=2.0\).*, at .*logit\(x\)"):
        logit(x)


def test_gradcheck_passes_right_rules_and_catches_the_wrong_one_in_both_modes():
    assert gradcheck(cube, 1.3, order=2)
    assert gradcheck(hypot, 3.0, -4.0, order=2)
    assert gradcheck(logit, 0.3, order=2)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(bad_cube, 1.3)
    rows = str(caught.value).splitlines()[2:]
    assert len(rows) == 2 and all(row.endswith("<- mismatch") for row in rows)


@settings(max_examples=30, deadline=None)
@given(op_inputs(cube.op), op_inputs(logit))  # the Op record, or the function itself
def test_op_inputs_draws_where_the_op_is_smooth(inputs, probability):
    assert gradcheck(cube, *inputs)
    assert 0.05 <= probability[0] <= 0.95 and gradcheck(logit, *probability)


def test_a_hypothesis_test_catches_the_wrong_derivative():
    @settings(max_examples=20, deadline=None, database=None)
    @given(op_inputs(bad_cube.op))
    def check(inputs):
        assert gradcheck(bad_cube, *inputs)

    with pytest.raises(GradcheckError):
        check()


@settings(max_examples=30, deadline=None)
@given(expressions(ops=[cube, hypot.op, OPS["mul"]]))
def test_random_expressions_over_user_ops(expr):
    assert expr.ops <= {"cube_u", "hypot_u", "mul", "add"}
    assert gradcheck(expr, *expr.point, order=2)


def test_pickle_by_name_and_copies_keep_the_op():
    x = Value(2.0, "x")
    y = cube(x)
    y.backward()
    again = pickle.loads(pickle.dumps(y))
    assert again._fn is cube.op and again.data == 8.0 and again.parents[0].grad == 12.0
    assert copy.deepcopy(y)._fn is cube.op


def test_unpickling_needs_the_op_defined():
    ghost = define_op("ghost_u", lambda a: 2 * a, lambda m, a, out: (2.0,))
    data = pickle.dumps(ghost(Value(1.0)))
    del USER_OPS["ghost_u"]  # as in a fresh process that never defined it
    with pytest.raises(ValueError, match="'ghost_u', which is not defined here: call "
                                         "autograd.define_op"):
        pickle.loads(data)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("tanh", lambda a: a, lambda m, a, out: (1.0,)), {}, ValueError, "built-in op"),
        (("two words", lambda a: a, lambda m, a, out: (1.0,)), {}, ValueError, "identifier"),
        (("lambda", lambda a: a, lambda m, a, out: (1.0,)), {}, ValueError, "identifier"),
        (("three", lambda a, b, c: a, lambda m, a, b, c, out: (1.0,) * 3), {}, ValueError,
         "1 or 2 inputs"),
        (("no_m", lambda a: math.sin(a), lambda m, a, out: (math.cos(a),)), {}, TypeError,
         "operators and m's functions"),
        (("short", lambda a, b: a * b, lambda m, a, b, out: (b,)), {}, ValueError,
         "2 derivative"),
        (("listy", lambda a: [a], lambda m, a, out: (1.0,)), {}, TypeError, "return a float"),
        (("bad_smooth", lambda a: a, lambda m, a, out: (1.0,)), {"smooth": (1, 2)}, TypeError,
         "Domain"),
        (("not_callable", 3.0, lambda m, a, out: (1.0,)), {}, TypeError, "callable"),
    ],
)
def test_bad_definitions_are_refused_and_register_nothing(args, kwargs, error, match):
    before = dict(USER_OPS)
    with pytest.raises(error, match=match):
        define_op(*args, **kwargs)
    assert before == USER_OPS


def test_defining_ops_changes_no_built_in_op():
    before = dict(OPS)
    define_op("twice_u", lambda a: 2 * a, lambda m, a, out: (2.0,))
    assert before == OPS and all(OPS[name] is op for name, op in before.items())
    assert "cube_u" not in OPS and "twice_u" in USER_OPS
    with pytest.raises(TypeError, match="takes 2 operand"):
        hypot(Value(1.0))


def test_defining_a_name_again_replaces_it_and_old_graphs_keep_their_op():
    first = define_op("again_u", lambda a: 2 * a, lambda m, a, out: (2.0,))
    old = first(Value(1.0))
    second = define_op("again_u", lambda a: 3 * a, lambda m, a, out: (3.0,))
    assert USER_OPS["again_u"] is second.op and second(1.0) == 3.0
    assert old._fn is first.op and grad(first)(1.0) == 2.0
    assert pickle.loads(pickle.dumps(second(Value(1.0))))._fn is second.op
    with pytest.raises(TypeError, match="'again_u' is not the op stepgrad knows"):
        pickle.dumps(old)  # its name now means another op


def test_a_forward_undefined_at_the_sample_point_is_still_accepted():
    """No check given and forward raises at the domain's middle (log at 0): that is allowed."""
    mylog = define_op("mylog_u", lambda a: math.log(a), lambda m, a, out: (1 / a,))
    assert mylog(math.e) == 1.0 and grad(mylog)(2.0) == 0.5
    with pytest.raises(ValueError, match="math domain error"):
        mylog(0.0)


def test_autograd_compile_compiles_a_user_op_and_refuses_anomaly_mode():
    program = autograd.compile(lambda x, y: cube(x) * y, 2.0, 5.0, argnums=(0, 1))
    assert program(3.0, 1.0) == (27.0, (27.0, 27.0))
    assert "cube_u" in program.source
    with detect_anomaly(), pytest.raises(RuntimeError, match="anomaly mode"):
        autograd.compile(lambda x: cube(x), 2.0)


def test_a_forward_that_raises_without_a_check_is_named_with_its_operands():
    import math

    from autograd.transforms.forward import Dual

    bad_log = define_op("bad_log", lambda a: math.log(a), lambda m, a, out: (1.0 / a,))
    for operand, shown in ((Value(-1.0, "x"), "x=-1.0"), (-1.0, "-1.0"), (Dual(-2.0, 1.0), "-2.0")):
        with pytest.raises(ValueError, match=rf"^bad_log\({shown}\): its forward raised "
                                             r"ValueError: math domain error \(give define_op"):
            bad_log(operand)
    inverse = define_op("bad_inverse", lambda a: 1.0 / a, lambda m, a, out: (-out * out,))
    with pytest.raises(ZeroDivisionError, match=r"^bad_inverse\(z=0\.0\): its forward raised"):
        inverse(Value(0.0, "z"))


def test_a_forward_that_overflows_is_named_and_told_the_engine_gives_inf():
    import math

    big_exp = define_op("big_exp", lambda a: math.exp(a), lambda m, a, out: (out,))
    with pytest.raises(OverflowError, match=r"^big_exp\(1000\.0\): its forward raised "
                                            r"OverflowError: .*return inf instead"):
        big_exp(1000.0)


def test_a_constant_rule_is_read_by_the_pass_and_called_everywhere_else():
    from autograd.core.ops import Constant

    def forward(a, b):
        return 2.0 * a - 3.0 * b

    blend = autograd.define_op("blend_const", forward, Constant(2.0, -3.0))
    assert blend.op.fixed == (2.0, -3.0)
    x, y = Value(1.5, "x"), Value(0.5, "y")
    out = blend(x, y) * x
    out.backward()
    # d/dx = 2 * x + blend(x, y) = 3 + 1.5; d/dy = -3 * x
    assert (x.grad, y.grad) == (4.5, -4.5)
    assert autograd.gradcheck(lambda a, b: blend(a, b) * a, 1.5, 0.5)
    assert autograd.grad(autograd.grad(lambda a: blend(a, a) * a))(2.0) == -2.0
    assert autograd.compile(lambda a, b: blend(a, b) * a, 1.5, 0.5, argnums=(0, 1))(1.5, 0.5) \
        == (2.25, (4.5, -4.5))


def test_a_swapped_rule_is_read_by_the_pass_and_called_everywhere_else():
    from autograd.core.ops import Swapped

    times = autograd.define_op("times_swapped", lambda a, b: a * b, Swapped())
    assert times.op.swapped and times.op.fixed is None
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    out = times(x, y) * x
    out.backward()
    # out = x*x*y: d/dx = 2*x*y, d/dy = x*x
    assert (x.grad, y.grad) == (2 * 1.5 * -0.5, 1.5 * 1.5)
    assert autograd.gradcheck(lambda a, b: times(a, b) * a, 1.5, -0.5)
    assert autograd.grad(autograd.grad(lambda a: times(a, a)))(2.0) == 2.0
    assert autograd.compile(lambda a, b: times(a, b) * a, 1.5, -0.5, argnums=(0, 1))(1.5, -0.5) \
        == (-1.125, (-1.5, 2.25))


def test_a_swapped_rule_needs_two_inputs():
    from autograd.core.ops import Swapped

    with pytest.raises(ValueError, match="times_one: a Swapped rule needs two inputs, not 1"):
        autograd.define_op("times_one", lambda a: a, Swapped())


def test_apply_refuses_a_parameter_the_op_does_not_take():
    from autograd.core.value import apply

    with pytest.raises(TypeError, match=r"mul: takes no parameter, got param=5.0"):
        apply(autograd.OPS["mul"], Value(2.0), Value(3.0), param=5.0)
    assert apply(autograd.OPS["pow"], Value(2.0), param=3.0).data == 8.0


def test_only_a_one_input_op_takes_a_parameter():
    # the engine passes a parameter to one-input ops only (pow's exponent, leaky_relu's slope):
    # a two-input Op with one would compute its forward without it
    from autograd.core.ops import REAL, Op

    with pytest.raises(ValueError, match="add_k: only a one-input op can take a parameter"):
        Op("add_k", "+", 2, lambda a, b, k: a + b + k, lambda m, a, b, k, out: (1.0, 1.0),
           "a+b+k", (REAL, REAL), param="k", param_domain=REAL)


@pytest.mark.parametrize("rule", ["constant", "swapped"])
def test_backward_reads_a_constant_or_swapped_rule_without_calling_it(rule, monkeypatch):
    import copy

    from autograd import local_partials
    from autograd.core.ops import Constant, Swapped

    made = Constant(2.0, -3.0) if rule == "constant" else Swapped()
    assert made == copy.deepcopy(made) and hash(made) == hash(copy.deepcopy(made))
    op = autograd.define_op(f"fast_{rule}", lambda a, b: 2.0 * a - 3.0 * b if rule == "constant"
                            else a * b, made)
    calls = []
    kind = type(made)
    original = kind.__call__
    monkeypatch.setattr(kind, "__call__",
                        lambda self, *args: calls.append(1) or original(self, *args))
    x, y = Value(1.5), Value(0.5)
    out = op(x, y)
    out.backward()
    assert calls == [] and (x.grad, y.grad) == ((2.0, -3.0) if rule == "constant" else (0.5, 1.5))
    assert local_partials(out) == (x.grad, y.grad) and calls == [1]  # every other tool calls it


def test_a_subclass_of_constant_or_swapped_is_an_ordinary_rule():
    from autograd.core.ops import Constant, Swapped

    class Doubled(Swapped):
        def __call__(self, m, a, b, out):
            return (2 * b, 2 * a)

    class Shifted(Constant):
        pass

    doubled = autograd.define_op("doubled_swap", lambda a, b: 2.0 * a * b, Doubled())
    assert not doubled.op.swapped
    assert autograd.define_op("shifted_constant", lambda a: a, Shifted(1.0)).op.fixed is None
    x, y = Value(1.5), Value(0.5)
    doubled(x, y).backward()
    assert (x.grad, y.grad) == (1.0, 3.0)


# --- a forward's result is checked on every path, not at the sample point only ---------------

def _sometimes(bad):
    """A forward that gives a float at define_op's sample point (0.0) and `bad` beyond 1."""
    return lambda a: bad if a > 1 else a * 2.0


BAD_RESULTS = [("str", "two"), ("complex", 2j), ("NoneType", None), ("list", [2.0]),
               ("bool", True), ("Value", Value(2.0))]


PATHS = {
    "Value": lambda op: op(Value(3.0, "x")),
    "number": lambda op: op(3.0),
    "jvp": lambda op: jvp(op, (3.0,), (1.0,)),
    "jvp on Values": lambda op: jvp(op, (Value(3.0),), (1.0,)),
    "grad": lambda op: grad(op)(3.0),
    "jacobian fwd": lambda op: jacobian(op, mode="fwd")(3.0),
    "hessian": lambda op: hessian(op)(3.0),
    "gradcheck": lambda op: gradcheck(op, 3.0),
    "compiled": lambda op: autograd.compile(lambda t: op(t) * t, 0.5)(3.0),
}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize(("kind", "bad"), BAD_RESULTS, ids=[k for k, _ in BAD_RESULTS])
def test_a_forward_giving_a_non_number_is_refused_on_every_path(kind, bad, path):
    # define_op checked the forward's type at one point (0.0) only: beyond it a str became a
    # node's data, a float "result", a Dual's primal, or a compiled program's value.
    op = define_op(f"sometimes_{kind.lower()}", _sometimes(bad), lambda m, a, out: (2.0,))
    with pytest.raises(TypeError, match=rf"^sometimes_{kind.lower()}\(3\.0\d*\): its forward "
                                        rf"returned {kind} .*not a real number"):
        PATHS[path](op)
    assert op(0.5) == 1.0  # where it gives a float, it works


def test_a_forward_giving_another_real_number_type_makes_a_float():
    from fractions import Fraction

    import numpy as np  # in the dev extra

    for value in (np.float64(1.5), np.float32(1.5), 3, Fraction(3, 2)):
        op = define_op("gives_numbers", lambda a, value=value: value, lambda m, a, out: (0.0,))
        out = op(Value(1.0))
        assert type(out.data) is float and out.data == float(value)
        assert type(op(1.0)) is float and type(jvp(op, (1.0,), (1.0,))[0]) is float


def test_a_forward_that_needs_numbers_shows_as_a_call_in_every_view():
    # On symbols (the formulas the views show) a forward may do anything: anything but an
    # expression, an error included, shows as a call, e.g. `conj_u(x)`.
    conj = define_op("conj_u", lambda a: a.conjugate() * 1.0, lambda m, a, out: (1.0,))
    x = Value(2.0, "x")
    y = conj(x)
    assert y.data == 2.0
    assert explain(y)[1].formula == "conj_u(x)"
    assert "conj_u(x)" in text_graph(y)
    assert [s.heading for s in backward_steps(y)] == ["step 0/1: conj_u(x)",
                                                      "step 1/1: conj_u(x)"]
