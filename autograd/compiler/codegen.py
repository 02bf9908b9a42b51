"""Code generation for `autograd.compile`: a trace becomes straight-line Python statements.

Forward: one statement per node, its op's forward written infix when it is one of Python's
operators and called by name otherwise. Backward: one statement per chain-rule product, in
exactly the order `backward()` adds them (for each node from the root down: its second
operand, then its first), each local derivative the op table's own rule evaluated on code
symbols. So the program does the same float operations in the same order as the engine.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from autograd.compiler.symbols import Names, NotSymbolic, Sym, SymMath, text
from autograd.compiler.trace import CONST, LIVE, OP, SLOT, Trace, bits
from autograd.ops import FLOAT_MATH

INFIX = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
         operator.pow: "**"}
PREFIX = {operator.neg: "-", operator.pos: "+"}
INPUTS, LIVE_VALUES = "inputs", "captured"  # the program's two parameters


@dataclass(slots=True)
class Line:
    """One statement: its text and the variables it assigns (reads are found in the text)."""

    text: str
    defines: tuple[str, ...] = ()


@dataclass
class Code:
    """A generated program before it is made into functions."""

    names: Names
    lines: list[Line]
    value: str  # the root's value: a variable or a literal
    grads: list[str]  # the gradients returned, in `outputs` order
    values: list[str] | None  # every node's value too (for check=True), else None


def generate(trace: Trace, outputs: list[int], slot_names: list[str],
             every_value: bool = False) -> Code:
    """Statements computing the root's value and the gradients of the nodes at `outputs`
    (and, with `every_value`, returning every node's value as well)."""
    names = Names()
    names.taken.update((INPUTS, LIVE_VALUES))
    order, kinds = trace.order, trace.kinds
    var = _variables(trace, names, slot_names)
    lines: list[Line] = [_unpack_inputs(trace, var)]
    forward_text: list[str] = [""] * len(order)
    index = {node: i for i, node in enumerate(order)}
    parents = [[index[p] for p in node.parents] for node in order]
    lines.append(Line("# forward: each node from its operands, parents before children"))
    for i, (node, kind) in enumerate(zip(order, kinds)):
        if kind[0] == LIVE:
            lines.append(Line(f"{var[i]} = {LIVE_VALUES}[{kind[1]}].data  # captured Value"
                              f"{_label(node)}", (var[i],)))
            if node._op is not None:
                forward_text[i] = f"{var[i]} = {_forward(node, parents[i], var, names)}"
        elif kind[0] == OP:
            expr = _forward(node, parents[i], var, names)
            check = node._op.check
            if check is not None:
                args = ", ".join((*(var[j] for j in parents[i]),
                                  *(() if node._param is None else (names.literal(node._param),))))
                fail = names.bind("DomainFailure", DomainFailure)
                lines.append(Line(f"if {names.bind('check_' + node._op.name, check)}({args}) "
                                  f"is not None: raise {fail}({i})"))
            forward_text[i] = text_i = f"{var[i]} = {expr}"
            lines.append(Line(f"{text_i}  # {node._op.name}", (var[i],)))
    grad = _backward(trace, names, var, parents, forward_text, outputs, lines)
    value = var[len(order) - 1]
    return Code(names, lines, value, [grad.get(i, "0.0") for i in outputs],
                var if every_value else None)


def _variables(trace: Trace, names: Names, slot_names: list[str]) -> list[str]:
    """A name per node: the slot's argument path, else the label, else `node{i}` (constants:
    their exact literal)."""
    var: list[str] = []
    for i, (node, kind) in enumerate(zip(trace.order, trace.kinds)):
        if kind[0] == CONST:
            var.append(names.literal(node.data))
        elif kind[0] == SLOT:
            var.append(names.fresh(slot_names[kind[1]]))
        else:
            var.append(names.fresh(node.label or f"node{i}"))
    return var


def _unpack_inputs(trace: Trace, var: list[str]) -> Line:
    targets = ["_"] * trace.slots
    for i, kind in enumerate(trace.kinds):
        if kind[0] == SLOT:
            targets[kind[1]] = var[i]
    if not targets:
        return Line("# no input slots")
    shown = ", ".join(targets) + ("," if len(targets) == 1 else "")
    return Line(f"{shown} = {INPUTS}", tuple(t for t in targets if t != "_"))


def _label(node) -> str:
    return f" {node.label!r}" if node.label else ""


def _forward(node, parents: list[int], var: list[str], names: Names) -> str:
    """The expression computing `node` from its operands."""
    op = node._op
    operands = [var[j] for j in parents]
    if len(operands) == 2 and op.forward in INFIX:
        a, b = (f"({x})" if x[0] == "-" else x for x in operands)
        return f"{a} {INFIX[op.forward]} {b}"
    if len(operands) == 1 and node._param is None and op.forward in PREFIX:
        a = operands[0]
        return f"{PREFIX[op.forward]}{f'({a})' if a[0] == '-' else a}"
    args = operands if node._param is None else [*operands, names.literal(node._param)]
    return f"{names.bind(op.name, op.forward)}({', '.join(args)})"


class DomainFailure(Exception):
    """Raised by a program when an op's domain check fails: the caller replays f to say why."""


def _backward(trace: Trace, names: Names, var: list[str], parents: list[list[int]],
              forward_text: list[str], outputs: list[int], lines: list[Line]) -> dict[int, str]:
    """The backward statements; returns each needed node's gradient variable."""
    order, kinds = trace.order, trace.kinds
    # A gradient is needed if it is returned or flows on into a needed one.
    needed = [False] * len(order)
    for i in outputs:
        needed[i] = True
    for i, js in enumerate(parents):
        if not needed[i]:
            needed[i] = any(needed[j] for j in js)
    grad: dict[int, str] = {}
    root = len(order) - 1
    lines.append(Line("# backward: the chain rule from the root down, as backward() runs it"))
    if needed[root]:
        grad[root] = names.fresh(f"{var[root]}_grad")
        lines.append(Line(f"{grad[root]} = 1.0", (grad[root],)))
    rules = _Rules(names)
    owned: set[int] = set()  # gradients in a variable of their own (others share one, see below)
    for i in range(root, -1, -1):
        node = order[i]
        if node._op is None:
            continue
        up = grad.get(i)
        js = parents[i]
        locals_, call = rules.partials(node, [var[j] for j in js], var[i])
        if call is not None:
            lines.append(Line(call[0], call[1]))
        comment = f"  # {forward_text[i]}"
        for pos in range(len(js) - 1, -1, -1):  # backward() adds b, then a
            j = js[pos]
            local, may_raise = locals_[pos]
            if not needed[j] or up is None:
                if may_raise:  # evaluated for its errors only, as backward() computes it
                    lines.append(Line(f"{local}  # unused: evaluated as backward() does"))
                continue
            product = up if local is None else f"{local} * {up}"  # None: the rule said 1
            if j not in grad:
                if local is None and not order[j].label and kinds[j][0] != SLOT:
                    grad[j] = up  # an unlabelled node passed g unchanged shares g's variable
                    continue
                grad[j] = names.fresh(f"{var[j]}_grad" if kinds[j][0] != CONST else
                                      f"node{j}_grad")
                owned.add(j)
                lines.append(Line(f"{grad[j]} = {product}{comment}", (grad[j],)))
            elif j in owned:
                lines.append(Line(f"{grad[j]} += {product}{comment}", (grad[j],)))
            else:  # the shared variable must not change: the sum gets a variable of its own
                shared, grad[j] = grad[j], names.fresh(f"{var[j]}_grad")
                owned.add(j)
                lines.append(Line(f"{grad[j]} = {shared} + {product}{comment}", (grad[j],)))
    return grad


class _Rules:
    """Each op's rule written out once per shape (op, parameter, constant operands) as a
    template, then filled in with each node's variable names: fast for big graphs."""

    def __init__(self, names: Names) -> None:
        self.names, self.math = names, SymMath(names)
        self.templates: dict[tuple, tuple] = {}
        self.ops: list = []  # keeps the ops whose id() keys a template alive

    def partials(self, node, operands: list[str], out: str) -> tuple[list, tuple | None]:
        """Per operand (expression or None for exactly 1, may it raise); and a call line if
        the rule had to be called (its text and the variables it sets)."""
        consts = tuple(x if not x.isidentifier() else None for x in operands)
        key = (id(node._op), bits(node._param), consts)
        template = self.templates.get(key)
        if template is None:
            template = self.templates[key] = self._template(node, consts)
            self.ops.append(node._op)
        found, call = template
        fill = [x for x, c in zip(operands, consts) if c is None] + [out]
        targets = {} if call is None else \
            {f"t{k}": self.names.fresh(f"{out}_d{k}") for k in range(len(operands))}
        locals_ = [(None if t is None else t.format(*fill, **targets), r) for t, r in found]
        if call is None:
            return locals_, None
        return locals_, (call.format(*fill, **targets), tuple(targets.values()))

    def _template(self, node, consts: tuple) -> tuple:
        op, names, k = node._op, self.names, 0
        args: list = []
        for c in consts:
            if c is None:
                args.append(Sym(f"{{{k}}}", names))
                k += 1
            else:
                args.append(Sym(c, names, not c.startswith("-")))
        out = Sym(f"{{{k}}}", names)
        param = () if node._param is None else (node._param,)
        try:
            found = op.partials(self.math, *args, *param, out)
            if len(found) == len(args):
                return [_product(local, names) for local in found], None
        except (NotSymbolic, ArithmeticError, ValueError, TypeError, AttributeError):
            pass
        # The rule needs real numbers (it branches, say): call it, as backward() does.
        rule = names.bind(f"partials_{op.name}", op.partials)
        floats = names.bind("FLOAT_MATH", FLOAT_MATH)
        targets = [f"{{t{j}}}" for j in range(len(args))]
        shown = ", ".join((*(a.text for a in args),
                           *(names.literal(p) for p in param), out.text))
        call = (f"{', '.join(targets)}{',' if len(targets) == 1 else ''} = "
                f"{rule}({floats}, {shown})  # {op.name}'s rule, called")
        return [(t, False) for t in targets], call


def _product(local: object, names: Names) -> tuple[str | None, bool]:
    """A local derivative as the left factor of `local * g` (None when it is exactly 1)."""
    if isinstance(local, Sym):
        return local.operand(), local.may_raise
    shown = text(local, names)  # a number: TypeError (NotSymbolic) for anything else
    if local == 1:
        return None, False  # 1.0 * g is g, bit for bit
    return (f"({shown})" if shown.startswith("-") else shown), False
