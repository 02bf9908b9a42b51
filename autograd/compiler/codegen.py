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
from autograd.compiler.trace import CONST, LIVE, OP, SLOT, Trace
from autograd.ops import FLOAT_MATH

INFIX = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
         operator.pow: "**"}
PREFIX = {operator.neg: "-", operator.pos: "+"}
INPUTS, LIVE_VALUES = "inputs", "captured"  # the program's two parameters


@dataclass
class Line:
    """One statement: its text, the variables it assigns and those it reads."""

    text: str
    defines: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()


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
    lines.append(Line("# forward: each node from its operands, parents before children"))
    for i, (node, kind) in enumerate(zip(order, kinds)):
        if kind[0] == LIVE:
            lines.append(Line(f"{var[i]} = {LIVE_VALUES}[{kind[1]}].data  # captured Value"
                              f"{_label(node)}", (var[i],), (LIVE_VALUES,)))
            if node._op is not None:
                forward_text[i] = f"{var[i]} = {_forward(node, index, var, names)[0]}"
        elif kind[0] == OP:
            expr, reads = _forward(node, index, var, names)
            check = node._op.check
            if check is not None:
                args = ", ".join((*(var[index[p]] for p in node.parents),
                                  *(() if node._param is None else (names.literal(node._param),))))
                fail = names.bind("DomainFailure", DomainFailure)
                lines.append(Line(f"if {names.bind('check_' + node._op.name, check)}({args}) "
                                  f"is not None: raise {fail}({i})", (), reads))
            forward_text[i] = f"{var[i]} = {expr}"
            lines.append(Line(f"{forward_text[i]}  # {node._op.name}", (var[i],), reads))
    grad = _backward(trace, names, var, index, forward_text, outputs, lines)
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
    return Line(f"{shown} = {INPUTS}", tuple(t for t in targets if t != "_"), (INPUTS,))


def _label(node) -> str:
    return f" {node.label!r}" if node.label else ""


def _forward(node, index: dict, var: list[str], names: Names) -> tuple[str, tuple[str, ...]]:
    """The expression computing `node` from its operands, and the variables it reads."""
    op = node._op
    operands = [var[index[p]] for p in node.parents]
    reads = tuple(operands)
    shown = [f"({x})" if x.startswith("-") else x for x in operands]
    if len(shown) == 2 and op.forward in INFIX:
        return f"{shown[0]} {INFIX[op.forward]} {shown[1]}", reads
    if len(shown) == 1 and node._param is None and op.forward in PREFIX:
        return f"{PREFIX[op.forward]}{shown[0]}", reads
    args = operands + ([] if node._param is None else [names.literal(node._param)])
    return f"{names.bind(op.name, op.forward)}({', '.join(args)})", reads


class DomainFailure(Exception):
    """Raised by a program when an op's domain check fails: the caller replays f to say why."""


def _backward(trace: Trace, names: Names, var: list[str], index: dict, forward_text: list[str],
              outputs: list[int], lines: list[Line]) -> dict[int, str]:
    """The backward statements; returns each needed node's gradient variable."""
    order, kinds = trace.order, trace.kinds
    # A gradient is needed if it is returned or flows on into a needed one.
    needed = [False] * len(order)
    for i in outputs:
        needed[i] = True
    for i, node in enumerate(order):
        needed[i] = needed[i] or any(needed[index[p]] for p in node.parents)
    grad: dict[int, str] = {}
    root = len(order) - 1
    lines.append(Line("# backward: the chain rule from the root down, as backward() runs it"))
    if needed[root]:
        grad[root] = names.fresh(f"{var[root]}_grad")
        lines.append(Line(f"{grad[root]} = 1.0", (grad[root],)))
    math = SymMath(names)
    for i in range(root, -1, -1):
        node = order[i]
        if node._op is None:
            continue
        up = grad.get(i)
        locals_, call_line = _partials(node, i, index, var, names, math)
        if call_line is not None:
            lines.append(call_line)
        targets = list(enumerate(node.parents))[::-1]  # backward() adds b, then a
        for pos, parent in targets:
            j, local = index[parent], locals_[pos]
            if not needed[j] or up is None:
                if isinstance(local, Sym) and local.may_raise:  # evaluated for its errors only
                    lines.append(Line(f"{local.text}  # unused, as backward() computes it",
                                      (), _reads(node, index, var)))
                continue
            if isinstance(local, (int, float)) and not isinstance(local, bool) and local == 1:
                product = up  # 1.0 * g is g, bit for bit
            else:
                shown = local.operand() if isinstance(local, Sym) else text(local, names)
                shown = f"({shown})" if shown.startswith("-") else shown
                product = f"{shown} * {up}"
            reads = (*_reads(node, index, var), up)
            comment = f"  # {forward_text[i]}"
            if j in grad:
                lines.append(Line(f"{grad[j]} += {product}{comment}", (grad[j],),
                                  (*reads, grad[j])))
            else:
                grad[j] = names.fresh(f"{var[j]}_grad" if kinds[j][0] != CONST else
                                      f"node{j}_grad")
                lines.append(Line(f"{grad[j]} = {product}{comment}", (grad[j],), reads))
    return grad


def _reads(node, index: dict, var: list[str]) -> tuple[str, ...]:
    return (*(var[index[p]] for p in node.parents), var[index[node]])


def _partials(node, i: int, index: dict, var: list[str], names: Names,
              math: SymMath) -> tuple[list, Line | None]:
    """The local derivatives as symbols, or as variables set by a call to the rule itself."""
    op = node._op
    operands = [Sym(var[index[p]], names, not var[index[p]].startswith("-"))
                for p in node.parents]
    args = [*operands, *(() if node._param is None else (node._param,)),
            Sym(var[i], names)]
    try:
        found = op.partials(math, *args)
        for local in found:
            text(local, names)  # a number or a symbol, nothing else
        if len(found) == len(operands):
            return list(found), None
    except (NotSymbolic, ArithmeticError, ValueError, TypeError, AttributeError):
        pass
    # The rule needs real numbers (it branches, say): call it, as backward() does.
    targets = [names.fresh(f"{var[i]}_d{k}") for k in range(len(operands))]
    rule = names.bind(f"partials_{op.name}", op.partials)
    floats = names.bind("FLOAT_MATH", FLOAT_MATH)
    shown = ", ".join((*(s.text for s in operands),
                       *(() if node._param is None else (names.literal(node._param),)), var[i]))
    line = Line(f"{', '.join(targets)}{',' if len(targets) == 1 else ''} = "
                f"{rule}({floats}, {shown})  # {op.name}'s rule, called", tuple(targets),
                _reads(node, index, var))
    return [Sym(t, names) for t in targets], line
