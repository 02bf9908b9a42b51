"""autograd.compile's names (naming.py): a label names a variable only when no two names can
collide, user ops are read from a table, and user text sits in `.source` only in comments."""

from __future__ import annotations

import importlib
import io
import keyword
import operator
import re
import struct
import sys
import tokenize
import unicodedata

import pytest
from autograd_checks import same
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, define_op, value_and_grad
from autograd.compiler import naming
from autograd.core.ops import OPS, REAL, USER_OPS, Op
from autograd.core.value import apply

program_module = importlib.import_module("autograd.compiler.program")




def flat(x):
    return [y for item in x for y in flat(item)] if isinstance(x, (list, tuple)) else [x]


LINE_BREAKS = [chr(c) for c in range(sys.maxunicode + 1)
               if len(f"a{chr(c)}b".splitlines()) > 1]  # \n \r \x0b \x0c \x1c-\x1e \x85 ...

# Every kind of text issue 18 names, and names the program itself uses.
TRICKY = [
    "\u00b5", "\u03bc", "\uff41", "a", "\ufb01", "fi", "\uff43aptured", "captured", "inputs",
    "program", "x\u00b2", "x2", "a\u00bd", "\u2460", "for", "match", "case", "_", "print", "len",
    "abs", "tanh", "exp", "step", "sigmoid", "check_log", "partials_tanh", "isfinite",
    "FLOAT_MATH", "DomainFailure", "user_ops", "user_checks", "user_partials", "constants",
    "functions", "nan", "inf", "minus_inf", "node0", "node1", "node2", "node3_grad", "x_grad",
    "x_d0", "_part0", "_part1", "__name__", "x", "y", "w", "x_0", "\u00e9", "\u212b", "\u210c",
    "a.b", "a_b", "x # y", " ", "", "\ud800", "a\\nb", *(f"a{c}b" for c in LINE_BREAKS),
]
NON_STR = [5, None, 2.5, ("t",), b"x", True]
LABELS = st.one_of(st.sampled_from(TRICKY), st.sampled_from(NON_STR),
                   st.text(st.characters(exclude_categories=()), max_size=4))
OP_NAMES = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=()),
                                                      max_size=4))


def assert_user_text_only_in_comments(source: str) -> None:
    """`.source` is Python whose every line ends with a newline (no other line break), whose
    code (comments aside) is ASCII, and which compiles, comments and all."""
    assert len(source.splitlines()) == source.count("\n") and source.endswith("\n")
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for token in tokens:
        if token.type != tokenize.COMMENT:
            assert token.string.isascii(), token
    compile(source, "<source>", "exec")


def assert_names_follow_the_rule(source: str) -> None:
    """Every variable assigned is an ASCII identifier, none of the program's own names."""
    taken = naming.reserved()
    for line in source.splitlines():
        code = line.split("#")[0].strip()
        if " = " not in code or code.startswith(("if ", "return ")):
            continue
        for target in code.split(" = ")[0].replace(" ", "").split(","):
            if target not in ("", "_"):
                assert target.isascii() and target.isidentifier() and target not in taken, target


# --- the reproducers ----------------------------------------------------------------


@pytest.mark.parametrize("first, second", [("\u00b5", "\u03bc"), ("\uff41", "a"),
                                           ("\ufb01", "fi"), ("x\u00b2", "x2")])
def test_labels_equal_once_normalised_name_no_variable(first, second):
    def f(x, y):
        m = x * 0.5
        m.label = first
        s = y * 2.0
        s.label = second
        return (m - s) * (m - s)

    compiled = autograd.compile(f, 1.0, 1.0, argnums=(0, 1))
    assert compiled(3.0, 1.0) == value_and_grad(f, (0, 1))(3.0, 1.0) == (0.25, (-0.5, 2.0))
    assert f"label '{first}'" in compiled.source and f"label '{second}'" in compiled.source


def test_a_label_that_normalises_to_the_programs_own_name_overwrites_nothing():
    w = Value(2.0, "w")

    def f(x):
        h = x * w
        h.label = "\uff43aptured"  # "captured" once normalised: the program's parameter
        return h * w

    compiled = autograd.compile(f, 3.0)
    assert compiled(3.0) == 12.0 and w.grad == 12.0
    assert "captured[0].data" in compiled.source


def test_a_user_op_is_read_from_a_table_never_by_its_name():
    with pytest.raises(ValueError, match="'\uff54anh' is the built-in op 'tanh' once NFKC"):
        define_op("\uff54anh", lambda a: 2.0 * a, lambda m, a, out: (2.0,))
    # an Op made by hand is not checked by define_op: the program still calls it, not tanh
    twice = Op("\uff54anh", "t", 1, lambda a: 2.0 * a, lambda m, a, out: (2.0,), "", (REAL,))
    compiled = autograd.compile(lambda x: apply(twice, x), 0.5, argnums=0)
    assert compiled(0.5) == (1.0, 2.0)
    assert "user_ops[0](x)" in compiled.source


def test_a_user_op_named_program_compiles():
    before = dict(USER_OPS)
    try:
        program = define_op("program", lambda a: a * a, lambda m, a, out: (2.0 * a,),
                            check=lambda a: (ValueError, "no") if a > 100 else None)
        f = lambda x: program(x) + x  # noqa: E731
        compiled = autograd.compile(f, 3.0, argnums=0)
        assert compiled(3.0) == value_and_grad(f)(3.0) == (12.0, 7.0)
        assert "user_checks[0](x)" in compiled.source
        with pytest.raises(ValueError, match=r"program\(101\.0\): no"):
            compiled(101.0)
    finally:
        USER_OPS.clear()
        USER_OPS.update(before)


@pytest.mark.parametrize("label", ["x\u00b2", "a\u00bd", "\u2460", "\u00e9", "a.b", "for"])
def test_labels_that_are_no_identifiers_compile(label):
    def f(x):
        h = x * x
        h.label = label
        return h.tanh()

    compiled = autograd.compile(f, 0.5, argnums=0)
    assert compiled(0.25) == value_and_grad(f)(0.25)


def test_a_non_ascii_first_letter_works_in_a_program_split_into_parts(monkeypatch):
    monkeypatch.setattr(program_module, "PART", 3)

    def f(x, y):
        nodes = [x, y]
        for k, label in enumerate(["\u00e9t\u00e9", "\u00b5", "\u03a9", "\u00e0", "x", "y_1"]):
            h = nodes[-1] * nodes[-2] + 0.5 * k
            h.label = label
            nodes.append(h.tanh())
        return nodes[-1]

    compiled = autograd.compile(f, 0.3, 0.7, argnums=(0, 1))
    assert "def _part1(" in compiled.source
    assert compiled(0.2, -0.4) == value_and_grad(f, (0, 1))(0.2, -0.4)


def test_a_label_that_is_not_a_str_compiles():
    w = Value(1.5, "w")
    w.label = 5

    def f(x):
        h = x * w
        h.label = ("a", "tuple")
        return h

    compiled = autograd.compile(f, 2.0)
    assert compiled(2.0) == 3.0 and w.grad == 2.0
    assert "captured Value <int>" in compiled.source and "label <tuple>" in compiled.source


def test_a_newline_in_fs_name_stays_in_its_comment():
    def f(x):
        return x * 2.0

    f.__qualname__ = "f\nimport os\u2028os.system('x')\r"
    source = autograd.compile(f, 1.0).source
    assert source.startswith("# autograd.compile(f\\nimport os\\u2028os.system('x')\\r): ")
    assert_user_text_only_in_comments(source)


def test_the_neurons_listing_in_the_readme_is_unchanged():
    def neuron(x, w, b):
        n = x * w + b
        n.label = "n"
        o = n.tanh()
        o.label = "o"
        return o

    compiled = autograd.compile(neuron, 2.0, -3.0, 6.8813735870195432, argnums=(0, 1, 2))
    assert compiled.source == """\
# autograd.compile(test_the_neurons_listing_in_the_readme_is_unchanged.<locals>.neuron): \
6 nodes (3 ops), 3 input slots, 0 captured Values.
# Computes f's value, then by the chain rule the gradients of arguments 0, 1, 2.
# Frozen when traced: f's control flow, the graph's shape and every constant made in f
# (numbers read from .data included). Captured Values are read afresh at every call.
def program(inputs, captured):
    x, w, b = inputs
    # forward: each node from its operands, parents before children
    n = x * w + b
    o = tanh(n)  # tanh
    # backward: the chain rule from the root down, as backward() runs it
    o_grad = 1.0
    n_grad = (1.0 - (o * o)) * o_grad  # o = tanh(n)
    b_grad = n_grad  # n = x * w + b
    w_grad = x * n_grad  # x * w, in n
    x_grad = w * n_grad  # x * w, in n
    return o, (x_grad, w_grad, b_grad)
"""


# --- the rule, unit by unit -----------------------------------------------------------------


def test_labels_name_variables_only_when_the_rule_allows():
    a, b, c = Value(1.0, "layers.0.w1"), Value(2.0, "for"), Value(3.0, "w")
    d = Value(4.0, "w")  # a second "w": neither is named after it
    e = Value(5.0, "\u212b")  # Angstrom sign: NFKC is "\u00c5", not ASCII
    g = Value(6.0, "ok")
    compiled = autograd.compile(lambda: a * b + c * d + e * g)
    source = compiled.source
    assert "ok = captured[5].data" in source and "ok_grad" in source
    assert not re.search(r"layers_0_w1|v_for|\bw = |\bw_2\b", source), source
    assert "node0 = captured[0].data  # captured Value 'layers.0.w1'" in source
    assert compiled() == 44.0 and (a.grad, d.grad, g.grad) == (2.0, 3.0, 5.0)


def test_input_slots_obey_the_same_rule():
    def f(captured, été, xs, y_grad, x_0):
        h = xs[0] * x_0
        h.label = "xs_1"  # also the name xs[1] would get: neither is named after it
        return captured * été + h * xs[1] + y_grad

    args = (1.0, 2.0, [3.0, 4.0], 5.0, 6.0)
    compiled = autograd.compile(f, *args, argnums=(0, 1, 2, 3, 4))
    unpacked = next(line for line in compiled.source.splitlines() if "= inputs" in line)
    # captured, été, xs[1] (also a label), y_grad: positional, numbered as the stepper does
    assert re.fullmatch(r"node\d+, node\d+, xs_0, node\d+, node\d+, x_0 = inputs",
                        unpacked.strip()), unpacked
    value, (gc, ge, gxs, gy, gx) = compiled(*args)
    flat_f = lambda c, e, x0, x1, y, x: f(c, e, [x0, x1], y, x)  # noqa: E731
    assert (value, (gc, ge, *gxs, gy, gx)) == \
        value_and_grad(flat_f, tuple(range(6)))(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)


def test_define_op_refuses_a_name_another_op_has_once_normalised():
    before = dict(USER_OPS)
    try:
        define_op("\u00b5_u", lambda a: a, lambda m, a, out: (1.0,))
        for name, other in (("\u03bc_u", "'\u00b5_u'"), ("\uff45xp", "the built-in op 'exp'"),
                            ("\ufb01x", None)):
            if other is None:  # "fix": no op has it
                define_op(name, lambda a: a, lambda m, a, out: (1.0,))
                continue
            registered = dict(USER_OPS)
            with pytest.raises(ValueError, match=f"'{name}' is .*{other}.* NFKC"):
                define_op(name, lambda a: a, lambda m, a, out: (1.0,))
            assert registered == USER_OPS
        define_op("\u00b5_u", lambda a: 2.0 * a, lambda m, a, out: (2.0,))  # the same name
        assert USER_OPS["\u00b5_u"].forward(1.0) == 2.0
    finally:
        USER_OPS.clear()
        USER_OPS.update(before)


def test_a_global_name_bound_twice_falls_back_to_a_table():
    from autograd.compiler.symbols import Names

    names = Names()
    first, second = (lambda a: a), (lambda a: -a)
    assert names.bind("tanh", first) == "tanh" and names.bind("tanh", first) == "tanh"
    assert names.bind("tanh", second) == "functions[0]"
    assert names.bind("not_ours", first) == "tanh"  # bound once, read the same way everywhere
    assert names.literal(float("-inf")) == "minus_inf" and names.literal(-0.0) == "-0.0"
    nan_with_payload = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000001))[0]
    assert names.literal(nan_with_payload) == "constants[0]"
    assert names.globals["constants"][0] is nan_with_payload


@given(st.one_of(LABELS, st.text(max_size=12)))
def test_a_candidate_is_ascii_not_reserved_and_the_texts_nfkc_form(text):
    taken = naming.reserved()
    name = naming.candidate(text, taken)
    if name is None:
        return
    assert name == unicodedata.normalize("NFKC", text) and name.isascii() and name.isidentifier()
    assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name) and name not in taken
    assert not name.startswith("_") and not re.match(r"node[0-9]", name)
    assert not name.endswith("_grad") and not re.search(r"_d[0-9]+$", name)


def test_the_programs_own_names_are_reserved():
    taken = naming.reserved()
    for name in ("program", "inputs", "captured", "isfinite", "FLOAT_MATH", "DomainFailure",
                 "user_ops", "constants", "nan", "inf", "minus_inf", "print", "for", "match",
                 "step", "sign", *OPS, *(f"check_{op}" for op in OPS)):
        assert name in taken and naming.candidate(name, taken) is None, name


def test_escape_ends_no_comment_and_caps_its_length():
    for c in [*LINE_BREAKS, "\ud800", "\x00", "\x7f"]:
        shown = naming.escape(f"a{c}b")
        assert len(shown.splitlines()) == 1 and shown.isprintable() and c not in shown
    assert naming.escape("x" * 1000) == "x" * naming.SHOWN + "..."
    assert naming.escape("\u00b5") == "\u00b5" and naming.escape(3) == "<int>"


# --- bit for bit with any labels and op names -------------------------------------------------


STEPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
         "tanh": lambda p, q: p.tanh(), "sin": lambda p, q: p.sin()}


@st.composite
def labelled_programs(draw):
    """Steps over x, y and a captured w: (op, operand, operand, label); and the ops' names."""
    steps = []
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["add", "sub", "mul", "tanh", "sin", "user", "branchy"]))
        steps.append((op, draw(st.integers(0, 2 + len(steps))),
                      draw(st.integers(0, 2 + len(steps))), draw(LABELS)))
    return steps, draw(OP_NAMES), draw(OP_NAMES), draw(LABELS), draw(LABELS)


@given(labelled_programs(), st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2),
       st.sampled_from([100_000, 2, 7]), st.booleans())
def test_any_labels_and_op_names_compile_bit_for_bit(program, point, part, check):
    steps, unary_name, binary_name, w_label, f_name = program
    # a user op with a check, and one whose rule branches (the program calls it)
    scaled = Op(unary_name, unary_name, 1, lambda a: 2.0 * a + 1.0, lambda m, a, out: (2.0,),
                "", (REAL,), check=lambda a: (ValueError, "too big") if a > 1e300 else None)
    branchy = Op(binary_name, binary_name, 2, lambda a, b: a * b + a,
                 lambda m, a, b, out: (b + 1.0, a) if a > -1e300 else (b, a), "", (REAL, REAL))
    w = Value(0.75)
    w.label = w_label
    make = {**STEPS, "user": lambda p, q: apply(scaled, p),
            "branchy": lambda p, q: apply(branchy, p, q)}

    def f(x, y):
        nodes = [x, y, w]
        for op, a, b, label in steps:
            out = make[op](nodes[a], nodes[b])
            out.label = label
            nodes.append(out)
        return nodes[-1]

    f.__qualname__ = f_name if isinstance(f_name, str) else "f"
    old_part = program_module.PART
    program_module.PART = part
    try:
        compiled = autograd.compile(f, *point, argnums=(0, 1), check=check)
        plain = autograd.compile(f, *point)
    finally:
        program_module.PART = old_part
    for source in (compiled.source, plain.source):
        assert_user_text_only_in_comments(source)
        assert_names_follow_the_rule(source)
    reference = value_and_grad(f, (0, 1))
    for x, y in (point, (point[1], -point[0])):
        ours, theirs = compiled(x, y), reference(x, y)
        assert all(map(same, flat(ours), flat(theirs))), (ours, theirs)
        w.grad = 0.0
        value = plain(x, y)
        ours_w = w.grad
        w.grad = 0.0
        out = f(Value(x), Value(y))
        out.backward()
        assert same(value, out.data) and same(ours_w, w.grad)
