"""A safe parser for expressions like `tanh(x*w + b)`: what it accepts is read from the op table.

Text is parsed with `ast` and then checked against a whitelist: numbers, variable names,
`+ - * / **` (each an op in the table), unary minus and plus, and calls of the one-argument
functions in `autograd.core.ops.FUNCTIONS` (an op with a number parameter, like leaky_relu's slope,
takes it as an optional second argument). Nothing typed is ever run by Python: the checked tree
is walked with an explicit stack and every operation is a Value operator or `apply`. Anything
else is an `ExpressionError` saying what was refused and at which column.

Bounds, so no input can make the parser slow or huge: at most `MAX_LENGTH` characters,
`MAX_NODES` syntax nodes, `MAX_DEPTH` levels of nesting, `MAX_DIGITS` characters per number,
and a constant exponent of magnitude at most `MAX_EXPONENT` (`9**9**9` is refused). A chain
like `a + b - c + d` is one level, as Python's parser reads it: a loop, not nesting.
"""

from __future__ import annotations

import ast
import math
import operator
import reprlib
import warnings
from collections.abc import Callable, Mapping
from functools import partial

from autograd.core import mode
from autograd.core.ops import FUNCTIONS, OPS, Op
from autograd.core.scalar import is_number
from autograd.core.value import Value, apply

MAX_LENGTH = 1000
MAX_NODES = 400
MAX_DEPTH = 40
MAX_DIGITS = 40
MAX_EXPONENT = 1024

# Python's operator nodes, mapped to the table's infix ops through their symbols.
_SYNTAX = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# How each is evaluated: by Value's own operators, which read the table (`x ** 2` is pow,
# `x ** y` is power, `+x` is pos), so no choice of op is made twice.
_OPERATORS: dict[type, Callable] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
# Left-associative operators of one precedence level: `a - b + c` is a chain, not nesting.
_CHAINS = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
INFIX: dict[str, Op] = {
    op.symbol: op for op in OPS.values() if op.arity == 2 and not op.symbol.isalpha()
}
"""The binary operators an expression may use, by symbol: read from the op table."""

_REFUSED = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions", ast.Compare: "comparisons", ast.BoolOp: "and/or",
    ast.IfExp: "if/else", ast.keyword: "keyword arguments", ast.Starred: "* unpacking",
    ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
    ast.JoinedStr: "f-strings", ast.NamedExpr: ":=", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "slices",
}


class ExpressionError(ValueError):
    """An expression (or a `name=number`) that was refused: what, and at which column."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message, self.column = message, column
        super().__init__(message if column is None else f"{message} (at column {column})")


class ExpressionTypeError(ExpressionError, TypeError):
    """An argument of the wrong type (not a str, not a mapping, not a number): a TypeError too."""


def _column(text: str, node: ast.AST) -> int:
    """1-based column in characters (ast counts UTF-8 bytes)."""
    lead = len(text) - len(text.lstrip())
    offset = getattr(node, "col_offset", 0)
    body = text[lead:].encode("utf-8")[:offset]
    return lead + len(body.decode("utf-8", errors="ignore")) + 1


class Expression:
    """A checked expression: `names` are its variables; `evaluate` builds the graph."""

    def __init__(self, text: str, tree: ast.expr, names: tuple[str, ...]) -> None:
        self.text, self.tree, self.names = text, tree, names

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate(self, values: Mapping[str, float | Value]) -> Value:
        """The expression's Value, with each variable a leaf labelled by its name."""
        if not isinstance(values, Mapping):
            raise ExpressionTypeError(f"evaluate: values must be a mapping of variable names to "
                                      f"numbers or Values, e.g. {{'x': 2.0}}, not "
                                      f"{type(values).__name__}")
        leaves = {}
        for name in self.names:
            if name not in values:
                raise ExpressionError(f"{name} has no value: pass {name}=NUMBER",
                                      _first_use(self, name))
            given = values[name]
            leaves[name] = given if isinstance(given, Value) else Value(_number(given, name), name)
        result = _evaluate(self, leaves)
        return result if isinstance(result, Value) else Value(result)


def parse(text: str) -> Expression:
    """Check `text` against the whitelist; an `ExpressionError` says what is not allowed."""
    if not isinstance(text, str):
        raise ExpressionTypeError(f"an expression must be a str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    for i, char in enumerate(text):
        if not char.isprintable():
            raise ExpressionError(f"character {char!r} is not allowed", i + 1)
        if not char.isascii():  # one rule with name=number: ASCII names and digits only
            raise ExpressionError(f"character {char!r} is not allowed: expressions are ASCII "
                                  f"(names, digits and operators)", i + 1)
    if not text.strip():
        raise ExpressionError("the expression is empty")
    lead = len(text) - len(text.lstrip())  # ast refuses leading blanks ("unexpected indent")
    try:
        with warnings.catch_warnings():  # `1if x else 2` warns "invalid decimal literal": the
            warnings.simplefilter("ignore")  # refusal below says it in one line instead
            tree = ast.parse(text[lead:], mode="eval").body
    except SyntaxError as error:
        column = lead + error.offset if error.offset else len(text) + 1  # 0: at the end
        raise ExpressionError(f"syntax error: {error.msg}", column) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        raise ExpressionError(f"cannot parse: {type(error).__name__}") from None
    names: dict[str, None] = {}
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        where = _column(text, node)
        if count > MAX_NODES:
            raise ExpressionError(f"the expression has more than {MAX_NODES} parts", where)
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH}", where)
        _check(text, node, where)
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            names.setdefault(node.id, None)
        stack.extend((child, depth + 1 - _continues(node, child))
                     for child in reversed(_children(node)))
    return Expression(text, tree, tuple(names))


def _children(node: ast.AST) -> list[ast.expr]:
    """The operands of a call or an operator, in order; none for anything else."""
    if isinstance(node, ast.Call):
        return node.args
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    return []


def _continues(node: ast.AST, child: ast.AST) -> bool:
    """Whether `child` is the left of `node` in one chain (`a + b` in `a + b - c`): same depth."""
    if not (isinstance(node, ast.BinOp) and isinstance(child, ast.BinOp) and child is node.left):
        return False
    level = _CHAINS.get(type(node.op))
    return level is not None and level == _CHAINS.get(type(child.op))


def _check(text: str, node: ast.AST, where: int) -> None:
    """Refuse one node unless the whitelist allows it."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExpressionError(f"{type(value).__name__} constants are not allowed", where)
        length = getattr(node, "end_col_offset", 0) - node.col_offset
        if length > MAX_DIGITS:
            raise ExpressionError(f"numbers longer than {MAX_DIGITS} characters are not "
                                  "allowed", where)
        if not math.isfinite(float(value)):
            raise ExpressionError("numbers must be finite", where)
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function: call it, {node.id}(...)", where)
    elif isinstance(node, ast.BinOp):
        symbol = _SYNTAX.get(type(node.op))
        if symbol not in INFIX:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed "
                                  f"(allowed: {' '.join(INFIX)})", where)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _OPERATORS:
            raise ExpressionError(f"unary {type(node.op).__name__} is not allowed", where)
    elif isinstance(node, ast.Call):
        _check_call(node, where)
    else:
        what = _REFUSED.get(type(node), type(node).__name__)
        raise ExpressionError(f"{what} not allowed", where)


def _check_call(node: ast.Call, where: int) -> None:
    if node.keywords:
        raise ExpressionError("keyword arguments not allowed", where)
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        shown = f"function {name}" if name else "calling anything but a named function"
        raise ExpressionError(f"{shown} is not allowed (allowed: {', '.join(FUNCTIONS)})",
                              where)
    op = FUNCTIONS[name]
    most = 2 if op.param else 1
    if not 1 <= len(node.args) <= most:
        takes = f"1 argument and an optional number {op.param}" if op.param else "1 argument"
        raise ExpressionError(f"{name} takes {takes}, not {len(node.args)}", where)


def _first_use(expression: Expression, name: str) -> int | None:
    for node in ast.walk(expression.tree):
        if isinstance(node, ast.Name) and node.id == name:
            return _column(expression.text, node)
    return None


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40


def _shown(x: object) -> str:
    """`x` in a message: shortened with `...` where cut, never cut into a different number."""
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 64:
        return f"{'a negative' if x < 0 else 'an'} int too large for a float"
    return _SHORT.repr(x)


def _number(x: object, name: str) -> float:
    if is_number(x):
        try:
            if math.isfinite(float(x)):
                return float(x)
        except OverflowError:  # an int beyond the float range
            pass
        raise ExpressionError(f"{name}: the value must be a finite number, got {_shown(x)}")
    raise ExpressionTypeError(f"{name}: the value must be a finite number, got {_shown(x)}")


def _default_param(op: Op) -> float:
    """An op's default number parameter, from the op table (leaky_relu's slope 0.01)."""
    if op.param_default is None:
        raise ExpressionError(f"{op.name} needs its {op.param}")
    return op.param_default


def _run(f: Callable[..., Value], node: ast.AST, text: str,
         *operands: float | Value) -> float | Value:
    """`f` (an operator or an op) on the operands; on numbers only, the result is a number
    again (a constant, not a node)."""
    try:
        if not any(isinstance(x, Value) for x in operands):
            with mode.no_grad():
                return f(Value(operands[0]), *operands[1:]).data
        return f(*operands)
    except (ArithmeticError, ValueError) as error:
        raise ExpressionError(str(error), _column(text, node)) from None


def _evaluate(expression: Expression, leaves: Mapping[str, Value]) -> float | Value:
    """Walk the checked tree in post-order with an explicit stack."""
    text = expression.text
    results: list[float | Value] = []
    stack: list[tuple[ast.AST, bool]] = [(expression.tree, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            results.append(float(node.value))
        elif isinstance(node, ast.Name):
            results.append(leaves[node.id])
        elif not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_children(node)))
        elif isinstance(node, ast.UnaryOp):
            results.append(_run(_OPERATORS[type(node.op)], node, text, results.pop()))
        elif isinstance(node, ast.BinOp):
            right, left = results.pop(), results.pop()
            results.append(_binary(node, text, left, right))
        else:  # a call, checked by parse
            op = FUNCTIONS[node.func.id]
            args = [results.pop() for _ in node.args][::-1]
            param = None
            if op.param:
                param = args[1] if len(args) == 2 else _default_param(op)
                if isinstance(param, Value):
                    raise ExpressionError(f"the {op.param} of {op.name} must be a number, "
                                          "not depend on variables", _column(text, node))
            results.append(_run(partial(apply, op, param=param), node, text, args[0]))
    return results.pop()


def _binary(node: ast.BinOp, text: str, left: float | Value, right: float | Value):
    if isinstance(node.op, ast.Pow) and not isinstance(right, Value) and abs(right) > MAX_EXPONENT:
        raise ExpressionError(f"constant exponent {right:g} is above the bound {MAX_EXPONENT}",
                              _column(text, node.right))
    return _run(_OPERATORS[type(node.op)], node, text, left, right)


def evaluate(text: str, values: Mapping[str, float | Value]) -> Value:
    """Parse and evaluate in one go: `evaluate("x*w", {"x": 2, "w": -3})`."""
    return parse(text).evaluate(values)


def parse_assignment(text: str) -> tuple[str, float]:
    """`name=number` (as the CLI takes variables) as (name, value); else an ExpressionError.

    The number is read as an expression reads one (ASCII digits, `1e3`, `1_000`, `0x10`), with
    an optional sign: one rule for both, so `x=٣` is refused as `x*٣` is.
    """
    if not isinstance(text, str):
        raise ExpressionTypeError(f"an assignment must be a str, not {type(text).__name__}")
    name, sep, number = text.partition("=")
    name, number = name.strip(), number.strip()
    if not sep or not name.isidentifier() or not name.isascii():
        raise ExpressionError(f"{_shown(text)}: variables are given as name=number, e.g. x=2")
    if name in FUNCTIONS:
        raise ExpressionError(f"{name!r}: that is a function's name, not a variable")
    if len(number) > MAX_DIGITS:
        raise ExpressionError(f"{name}: numbers longer than {MAX_DIGITS} characters are not "
                              "allowed")
    return name, _number(_literal(name, number), name)


def _literal(name: str, number: str) -> float:
    """`number` read by `parse` itself: a number literal with an optional sign; else refused."""
    shown = repr(number)  # whole (at most MAX_DIGITS long), with a newline as \\n
    if number.lstrip("+-").lower() in ("inf", "infinity", "nan"):
        raise ExpressionError(f"{name}: the value must be a finite number, got {shown}")
    try:
        tree = parse(number).tree
    except ExpressionError as error:
        raise ExpressionError(f"{name}={shown[1:-1]}: {shown} is not a number "
                              f"({error.message})") from None
    sign = 1.0
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, (ast.USub, ast.UAdd)):
        sign, tree = (-1.0 if isinstance(tree.op, ast.USub) else 1.0), tree.operand
    if not isinstance(tree, ast.Constant):
        raise ExpressionError(f"{name}={shown[1:-1]}: {shown} is not a number")
    return sign * float(tree.value)  # parse let through only finite int and float constants
