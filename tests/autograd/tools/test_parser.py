"""The expression parser: the table's ops are accepted, anything else is a clean ExpressionError."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Value, topological_order
from autograd.core.ops import FUNCTIONS
from autograd.tools.parser import (
    INFIX,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    ExpressionError,
    evaluate,
    parse,
    parse_assignment,
)


def _balanced(depth: int) -> str:
    return "--x" if depth == 0 else f"{_balanced(depth - 1)}*({_balanced(depth - 1)})"


WIDE = _balanced(7)  # shallow but with more than MAX_NODES parts


def test_the_neuron_matches_the_value_api():
    out = evaluate("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.88})
    x, w, b = Value(2.0), Value(-3.0), Value(6.88)
    assert out.data == (x * w + b).tanh().data
    out.backward()
    leaves = {n.label: n for n in topological_order(out) if n.label}
    assert set(leaves) == {"x", "w", "b"}
    assert leaves["x"].grad == pytest.approx(-3.0 * (1 - out.data**2))
    assert leaves["b"].grad == pytest.approx(1 - out.data**2)


def test_a_variable_is_one_leaf_however_often_it_is_used():
    out = evaluate("x*x + x", {"x": 3.0})
    out.backward()
    (x,) = {p for p in out.parents[0].parents}
    assert x.label == "x" and x.grad == 7.0


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_in_the_table_can_be_called(name):
    op = OPS[name]
    x = op.smooth[0].ranges[0][0] / 2 + op.smooth[0].ranges[0][1] / 2
    out = evaluate(f"{name}(x)", {"x": x})
    expected = getattr(Value(x), name)()
    assert out.data == expected.data and out.op == expected.op


@pytest.mark.parametrize("symbol", INFIX)
def test_every_infix_op_in_the_table_is_accepted(symbol):
    out = evaluate(f"x {symbol} y", {"x": 1.5, "y": 2.0})
    assert out.op == symbol and len(out.parents) == 2


def test_infix_ops_are_exactly_the_tables_binary_operators():
    assert set(INFIX) == {"+", "-", "*", "/", "**"}


def test_number_exponent_is_the_pow_op_and_constants_fold():
    out = evaluate("x**2 + 2**3", {"x": 3.0})
    assert out.data == 17.0
    assert out.parents[0].op == "**2" and out.parents[1].data == 8.0 and not out.parents[1].parents


@pytest.mark.parametrize(("sign", "op"), [("-", "neg"), ("+", "pos")])
def test_unary_minus_and_plus_are_the_tables_ops_as_in_python(sign, op):
    out = evaluate(f"{sign}x", {"x": 3.0})
    x = Value(3.0, "x")
    expected = -x if sign == "-" else +x
    assert out._fn is expected._fn is OPS[op] and out.data == expected.data
    assert out.parents[0].label == "x"  # `+x` is a new node, as `+Value` is
    folded = evaluate(f"{sign}2 * x", {"x": 3.0})
    assert not folded.parents[0].parents and folded.parents[0].data == float(f"{sign}2")


def test_leaky_relu_takes_an_optional_number_slope():
    assert evaluate("leaky_relu(x, 0.1)", {"x": -2.0}).data == pytest.approx(-0.2)
    assert evaluate("leaky_relu(x)", {"x": -2.0}).data == Value(-2.0).leaky_relu().data
    with pytest.raises(ExpressionError, match="slope of leaky_relu must be a number"):
        evaluate("leaky_relu(x, y)", {"x": -2.0, "y": 0.1})
    with pytest.raises(ExpressionError, match="tanh takes 1 argument"):
        parse("tanh(x, 0.1)")


@pytest.mark.parametrize(("text", "message", "column"), [
    ("x.__class__", "attribute access", 1),
    ("__import__('os')", "function __import__ is not allowed", 1),
    ("lambda: 1", "lambda", 1),
    ("x[0]", "subscripts", 1),
    ("[i for i in x]", "comprehensions", 1),
    ("tanh(x=1)", "keyword arguments", 1),
    ("x + 'a'", "str constants", 5),
    ("x // 2", "operator FloorDiv", 1),
    ("x < 2", "comparisons", 1),
    ("~x", "unary Invert", 1),
    ("tanh + 1", "tanh is a function", 1),
    ("open(x)", "function open", 1),
    ("(x)(1)", "function x is not allowed", 1),
    ("exp(x)(1)", "calling anything but a named function", 1),
    ("9**9**9", "constant exponent", 4),
    ("x ** 2000", "constant exponent 2000 is above the bound", 6),
    ("x +", "syntax error", 4),
    ("1" * 50, "numbers longer than", 1),
    ("1e400", "finite", 1),
    ("1j", "complex constants", 1),
    ("True", "bool constants", 1),
    ("x\n+1", "character '\\n'", 2),
    ("", "empty", None),
    ("-" * (MAX_DEPTH + 5) + "x", "nests deeper", MAX_DEPTH + 1),
    (WIDE, "more than", None),
    ("x" * (MAX_LENGTH + 1), "longer than", None),
    ("  x.y", "attribute access", 3),
    ("x + é", "character 'é' is not allowed: expressions are ASCII", 5),
    ("x * ٣", "character '٣' is not allowed", 5),
])
def test_refused_with_what_and_where(text, message, column):
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, {"x": 1.0})
    assert message in caught.value.message
    if column is not None:
        assert caught.value.column == column
        assert str(caught.value).endswith(f"(at column {column})")


@pytest.mark.parametrize(("text", "message"), [("1if x else 2", "if/else"), ("1or x", "and/or")])
def test_refusals_raise_no_syntax_warning(text, message):
    # `1if` is an "invalid decimal literal" to Python: one refusal, not a warning and a refusal.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(ExpressionError, match=message):
            parse(text)
    assert [str(w.message) for w in seen] == []


@pytest.mark.parametrize(("value", "message"), [
    (10**400, "got an int too large for a float"),  # was an OverflowError, not a refusal
    (-(10**400), "got a negative int too large for a float"),
    (math.nan, "got nan"),
    ("7" * 100, "got '77777777777777777...777777777777777777'"),
], ids=["huge int", "huge negative int", "nan", "long str"])
def test_bad_values_are_refused_and_shown_truthfully(value, message):
    with pytest.raises(ExpressionError) as caught:
        evaluate("x", {"x": value})
    assert caught.value.message == f"x: the value must be a finite number, {message}"


def test_a_cut_assignment_says_where_it_was_cut():
    with pytest.raises(ExpressionError) as caught:
        parse_assignment("y" * 100)
    assert caught.value.message.startswith("'yyyyyyyyyyyyyyyyy...yyyyyyyyyyyyyyyyyy': ")
    with pytest.raises(ExpressionError, match=r"x=1{38}a: '1{38}a' is not a number"):
        parse_assignment("x=" + "1" * 38 + "a")  # both quotes kept


def test_a_long_chain_of_one_operator_level_is_not_nesting():
    # Python parses `x + x + ... + x` as a loop; counting each + as a level refused 41 terms.
    assert evaluate(" + ".join(["x"] * 200), {"x": 1.0}).data == 200.0
    assert evaluate("x" + " - x*x/x + x" * 40, {"x": 2.0}).data == 2.0
    assert evaluate(f"tanh({' * '.join(['x'] * 100)})", {"x": 1.0}).data == math.tanh(1.0)
    deeper = "x" + " + (x" * (MAX_DEPTH + 1) + ")" * (MAX_DEPTH + 1)  # real nesting still counts
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse(deeper)
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("x" + "**x" * (MAX_DEPTH + 1))  # ** is right-associative: each one nests


def test_constant_exponents_up_to_the_bound_are_fine():
    assert evaluate(f"x ** {MAX_EXPONENT}", {"x": 1.0}).data == 1.0
    assert evaluate(f"x ** -{MAX_EXPONENT}", {"x": 1.0}).data == 1.0
    assert evaluate("x ** y", {"x": 2.0, "y": 3000.0}).data == math.inf  # IEEE, not refused


def test_unbound_variable_and_domain_errors_name_the_column():
    with pytest.raises(ExpressionError, match=r"y has no value: pass y=NUMBER \(at column 5\)"):
        evaluate("x + y", {"x": 1.0})
    with pytest.raises(ExpressionError, match=r"log\(x=0.0\): log needs x > 0 \(at column 3\)"):
        evaluate("1+log(x)", {"x": 0.0})
    with pytest.raises(ExpressionError, match="division by zero"):
        evaluate("1/0", {})


@pytest.mark.parametrize(("text", "expected"), [("x=2", ("x", 2.0)), (" w = -3.5 ", ("w", -3.5)),
                                                ("b=6.88", ("b", 6.88))])
def test_assignments(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("x", "name=number"), ("=2", "name=number"), ("1x=2", "name=number"),
    ("x=abc", "not a number"), ("x=nan", "finite"), ("x=inf", "finite"),
    ("tanh=1", "function's name"), ("x=" + "1" * 60, "longer than"), ("x.y=1", "name=number"),
])
def test_bad_assignments(text, message):
    with pytest.raises(ExpressionError, match=message):
        parse_assignment(text)


GRAMMAR = st.sampled_from(
    ["x", "y", "2", "0", "1.5", "1e308", "+", "-", "*", "/", "**", "(", ")", ",", " ", *FUNCTIONS,
     "9**9**9", ".", "[", "]", "lambda", ":", "_", "__import__", "'s'", "=", "<", "j", "\\", "#"]
)


@given(st.lists(GRAMMAR, max_size=30).map("".join))
def test_fuzz_grammar_pieces_give_a_value_or_a_clean_error(text):
    _value_or_expression_error(text)


@given(st.text(max_size=60))
def test_fuzz_random_text_gives_a_value_or_a_clean_error(text):
    _value_or_expression_error(text)


def _value_or_expression_error(text: str) -> None:
    try:
        out = evaluate(text, {"x": 0.5, "y": -2.0})
    except ExpressionError as error:
        assert "\n" not in str(error)  # one line
        return
    assert isinstance(out, Value)


@pytest.mark.parametrize("digit", ["٣", "３", "²", "৩"])
def test_non_ascii_digits_are_refused_in_assignments_as_in_expressions(digit):
    with pytest.raises(ExpressionError, match="not allowed"):
        parse(f"x * {digit}")
    with pytest.raises(ExpressionError, match=f"x={digit}: '{digit}' is not a number .*ASCII"):
        parse_assignment(f"x={digit}")


@pytest.mark.parametrize("number", ["2", "-3.5", "+2.5", "1e3", "1_000", "0x10", "0o17", ".5",
                                    "-0.0", "1E-3"])
def test_an_assigned_number_reads_as_the_same_number_in_an_expression(number):
    name, value = parse_assignment(f"x={number}")
    assert name == "x"
    same = evaluate(f"y * ({number})", {"y": 1.0}).data
    assert value == same and math.copysign(1.0, value) == math.copysign(1.0, same)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: evaluate("x", None), "values must be a mapping .* not NoneType"),
    (lambda: evaluate("x", [("x", 1.0)]), "values must be a mapping .* not list"),
    (lambda: parse("x").evaluate(3), "values must be a mapping .* not int"),
    (lambda: evaluate("x", {"x": "2"}), "x: the value must be a finite number, got '2'"),
    (lambda: evaluate("x", {"x": None}), "x: the value must be a finite number, got None"),
    (lambda: parse(b"x"), "an expression must be a str, not bytes"),
    (lambda: parse_assignment(None), "an assignment must be a str, not NoneType"),
], ids=["None", "list", "int", "str value", "None value", "bytes", "assignment None"])
def test_arguments_of_the_wrong_type_are_type_errors_that_say_what_was_expected(call, message):
    with pytest.raises(TypeError, match=message) as caught:
        call()
    assert isinstance(caught.value, ExpressionError)  # what the CLI and README promise
