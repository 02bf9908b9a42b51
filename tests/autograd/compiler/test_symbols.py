"""Code symbols know what they were built from (compiler/symbols.py): the fields a rule's text
reads, whether it is exactly one field, whether it is a finite number written out. shapes.py
asks the symbol, never its text; here the text is the oracle the structure must agree with."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from autograd.compiler.shapes import _finite_if
from autograd.compiler.symbols import Names, Sym, SymMath

NAMES = Names()
MATH = SymMath(NAMES)
CONSTANTS = [2.0, -2.0, 0.5, 3, -7, 1e300, math.inf, -math.inf, math.nan, 2**70]


def constant(x):
    return Sym.of_constant(NAMES.literal(x), x, NAMES)


def leaves():
    return st.one_of(st.integers(0, 3).map(lambda k: Sym.of_field(k, NAMES)),
                     st.sampled_from(CONSTANTS).map(constant))


def combine(inner):
    operand = inner | st.sampled_from([2.0, -1.5, 3])
    binary = st.tuples(st.sampled_from(["+", "-", "*", "/", "**"]), inner, operand, st.booleans())
    return st.one_of(
        binary.map(lambda t: _binary(*t)),
        inner.map(lambda s: -s), inner.map(lambda s: +s), inner.map(abs),
        st.tuples(st.sampled_from(["exp", "step", "sign", "sqrt"]), inner)
        .map(lambda t: getattr(MATH, t[0])(t[1])),
    )


def _binary(symbol, a, b, reflected):
    ops = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
           "/": lambda x, y: x / y, "**": lambda x, y: x ** y}
    if reflected and not isinstance(b, Sym):
        return ops[symbol](b, a)  # the number on the left: Sym's reflected operator
    return ops[symbol](a, b)


symbols = st.recursive(leaves(), combine, max_leaves=8)


def finite_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


@given(symbols)
def test_the_structure_says_what_the_text_says(sym):
    assert sym.fields == {int(k) for k in re.findall(r"\{(\d+)\}", sym.text)}
    whole = re.fullmatch(r"\{(\d+)\}", sym.text)
    assert sym.field == (int(whole.group(1)) if whole else None)
    assert sym.number == finite_number(sym.text)
    # what shapes.py concludes from it is what it concluded from the text
    if sym.finite or finite_number(sym.text):
        expected = ()
    else:
        expected = (int(whole.group(1)),) if whole else None
    assert _finite_if(sym) == expected


def test_signs_and_parentheses():
    two, minus_two = constant(2.0), constant(-2.0)
    assert (-two).text == "-2.0" and (-two).number and (+two).number
    assert (-minus_two).text == "-(-2.0)" and not (-minus_two).number  # not one literal
    assert not constant(math.inf).number and not constant(2**70).number
    field = Sym.of_field(1, NAMES)
    assert field.field == 1 and (-field).field is None and (-field).fields == {1}
    assert (field * Sym.of_field(0, NAMES) + two).fields == {0, 1}
    assert MATH.step(field).fields == {1} and MATH.step(field).finite
