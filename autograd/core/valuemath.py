"""`VALUE_MATH`: the rules' math namespace on Values, so a rule run with it is recorded.

The op table's partials are written against a namespace `m` (`m.exp(a)`): with `FLOAT_MATH`
they give floats (the fast first-order pass), with this one Values whose graph can be
differentiated again (`create_graph=True`, forward mode on Values, any order).
"""

from __future__ import annotations

from autograd.core.ops import FLOAT_MATH
from autograd.core.value import Value


class VALUE_MATH:  # noqa: N801 - a namespace, read as `m.exp(a)` in the rules
    """The math namespace for Values: rules evaluated with it are recorded (higher order)."""

    exp = staticmethod(Value.exp)
    log = staticmethod(Value.log)
    sin = staticmethod(Value.sin)
    cos = staticmethod(Value.cos)
    sqrt = staticmethod(Value.sqrt)
    pow = staticmethod(Value.__pow__)
    sigmoid = staticmethod(Value.sigmoid)

    # Piecewise-constant derivatives (relu, abs, maximum) are plain numbers, not recorded nodes.
    @staticmethod
    def step(a: Value) -> float:
        return FLOAT_MATH.step(a.data)

    @staticmethod
    def sign(a: Value) -> float:
        return FLOAT_MATH.sign(a.data)

    @staticmethod
    def picked(out: Value, x: Value) -> float:
        return FLOAT_MATH.picked(out.data, x.data)
