"""Code generation for `autograd.compile`: a trace becomes straight-line Python statements.

Forward: one statement per node, its op's forward written infix when it is one of Python's
operators and called by name otherwise; an unlabelled sum or product used once by another whose
rule does not read it is written inline there. Backward: one statement per chain-rule product, in
exactly the order `backward()` adds them (for each node from the root down: its second
operand, then its first), each local derivative the op table's own rule evaluated on code
symbols. So the program does the same float operations in the same order as the engine,
but for a region it can prove adds only zeros, which it skips at run time (skips.py). Nodes
the output does not depend on get forward statements only, for their errors. Names: naming.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd.compiler.lines import Line, guarded
from autograd.compiler.naming import HIDDEN, INPUTS, LIVE_VALUES, labelled, quoted, variables
from autograd.compiler.repeats import find_groups
from autograd.compiler.shapes import Shape, Shapes, global_name
from autograd.compiler.skips import BackwardRecord, regions
from autograd.compiler.symbols import Names
from autograd.compiler.trace import CONST, LIVE, OP, SLOT, Trace
from autograd.compiler.units import (
    Calls,
    Gradients,
    Members,
    backward_call,
    forward_call,
    function_pair,
    plan,
    unit_trace,
)


@dataclass
class Code:
    """A generated program before it is made into functions."""

    names: Names
    lines: list[Line]
    value: str  # the root's value: a variable or a literal
    grads: list[str] | str  # the gradients returned, in `outputs` order (or a list's name)
    values: list[str] | None  # every node's value too (for check=True), else None
    functions: list[tuple[str, list[Line]]]  # each repeated unit's two (units.py), first


def generate(trace: Trace, outputs: list[int], places: list[Any],
             every_value: bool = False) -> Code:
    """Statements computing the root's value and the gradients of the nodes at `outputs`
    (and, with `every_value`, returning the value of every node the root depends on).
    `places`: each input slot's place in the arguments (`trace.flatten`'s)."""
    names = Names()
    reach = trace.reach
    needed = _needed(trace, outputs)
    position = {j: p for p, j in enumerate(outputs)}
    plans = [] if every_value else plan(trace, find_groups(trace), needed, names, position)
    members = Members(len(trace.order), plans)
    var = variables(trace, places, names, members.hidden)
    for name, kind, hidden in zip(var, trace.kinds, members.hidden):
        if kind[0] != CONST and not hidden:
            names.variable(name)
    literal = [None if x.isidentifier() or x == HIDDEN else x for x in var]  # constants are
    # written in place
    # a labelled node keeps a statement, and a gradient variable, of its own
    marked = [label != "" if label.__class__ is str else labelled(label)
              for label in [node.label for node in trace.order]]
    lines: list[Line] = [*_unpack_inputs(trace, var, members.hidden),
                         ("", "# forward: each node from its operands, parents before children",
                          ())]
    shapes = Shapes(names)
    functions = [function for calls in plans
                 for function in _unit_functions(trace, calls, names, shapes)]
    shape_of, fill_of, forward_text = _forward(trace, names, var, marked, literal, shapes, lines,
                                               inline=not every_value, members=members)
    written = {calls.group.externals[u][k] for calls in plans for k in calls.written
               for u in range(len(calls.group.units))}
    returned = names.variable("_gradients") if written else ""
    if written:  # units write the gradients of the inputs only they read straight in
        lines.append((f"{returned} = [0.0] * {len(outputs)}", "  # the gradients returned", ()))
    work = BackwardRecord(reach)
    for i in members.nodes():
        work.finite_if[i] = None  # a region holding a unit's call is never skipped
    grad = _backward(trace, names, var, marked, shapes, shape_of, fill_of, forward_text, outputs,
                     lines, work, needed, members=members, returned=returned)
    lines = guarded(lines, regions(trace, work, outputs, members.hidden), names, var)
    if not written:
        return Code(names, lines, var[reach - 1], [grad[i] or "0.0" for i in outputs],
                    var[:reach] if every_value else None, functions)
    lines += [(f"{returned}[{p}] = {grad[i] or '0.0'}", "", ())
              for p, i in enumerate(outputs) if i not in written]
    return Code(names, lines, var[reach - 1], returned, None, functions)


def _needed(trace: Trace, outputs: list[int]) -> list[bool]:
    """Per node: is its gradient needed, that is returned or flowing on into a needed one."""
    needed = [False] * len(trace.order)
    for i in outputs:
        needed[i] = True
    parents = trace.parents
    for i in range(trace.reach):
        if not needed[i]:
            for j in parents[i]:
                if needed[j]:
                    needed[i] = True
                    break
    return needed


def _unit_functions(trace: Trace, calls: Calls, names: Names, shapes: Shapes,
                    ) -> list[tuple[str, list[Line]]]:
    """A group's unit as two functions, its forward and its backward: this generator's own
    statements for one unit whose externals are the functions' inputs."""
    sub, var, literal = unit_trace(trace, calls), [], []
    inner = names.scope()
    size = len(calls.group.externals[0])
    for k in range(size):
        constant = calls.constants.get(k)
        literal.append(constant)
        var.append(constant if constant is not None else inner.variable(f"_in{k}"))
    var += [inner.variable(f"node{p}") for p in range(len(sub.order) - size)]
    literal += [None] * (len(sub.order) - size)
    marked = [False] * len(sub.order)
    for p in calls.outputs:
        marked[size + p] = True
    body: list[Line] = []
    shape_of, fill_of, text = _forward(sub, inner, var, marked, literal, shapes, body,
                                       inline=True)
    saved = [var[k] for k in calls.varying + calls.indexed]
    saved += [name for line in body for name in line[2]]
    wanted = calls.returns + calls.shared_returns + calls.written
    start = {size + p: inner.variable(f"node{p}_grad") for p in calls.outputs}
    start.update((k, inner.variable(f"_in{k}_grad")) for k in wanted)
    back: list[Line] = []
    work = BackwardRecord(len(sub.order))
    _backward(sub, inner, var, marked, shapes, shape_of, fill_of, text, wanted, back, work,
              _needed(sub, wanted), start=start)
    back = guarded(back, regions(sub, work, wanted), inner, var)
    return function_pair(calls, var, saved, start, body, back)


MAX_INLINED = 40  # ops written into one forward expression, at most (a W1 neuron of 16
# inputs is 32; CPython's compiler recurses into an expression, and a line should stay readable)


def _forward(trace: Trace, names: Names, var: list[str], marked: list[bool],
             literal: list[str | None], shapes: Shapes, lines: list[Line], inline: bool,
             members: Members | None = None,
             ) -> tuple[list[Shape | None], list[list[str]], list[str]]:
    """The forward statements, appended to `lines`; returns each node's shape, its variable
    operands then itself (its rule's fields), and its forward as backward comments show it.

    An unlabelled sum, difference or product used once, by another one that does not read its
    value, gets no statement: it is written inline in its consumer's expression
    (`n = x * w + b`). Each op is the same float operation on the same operands, and `+ - *`
    on floats cannot raise, so no bit changes; fewer statements compile and run faster (W1's
    program has about half as many).
    """
    order, kinds, parents, uses = trace.order, trace.kinds, trace.parents, trace.uses
    n = len(order)
    visible = range(n) if members is None else members.visible()
    consumer = [-1] * n  # a node's last consumer: its only one where it is used once (-1 if
    for i in visible:  # that is inside a unit)
        for j in parents[i]:
            consumer[j] = i
    shape_of: list[Shape | None] = [None] * n  # None for a leaf
    fill_of: list[list[str]] = [[]] * n
    text: list[str] = [""] * n  # a node's statement; an inlined node's expression
    pending: dict[int, str] = {}  # inline expressions waiting for their consumer
    size = [1] * n  # ops in a node's expression
    into = [-1] * n  # where a node is written inline
    last = trace.reach - 1  # the root: its value is returned
    inside = bytearray(n) if members is None else members.inside  # a unit's node: it is called
    for i in visible:
        node, kind = order[i], kinds[i]
        if i == trace.reach:
            lines.append(("", "# not used by f's value: computed for the errors f raises on "
                              "the dynamic engine", ()))
        if kind[0] == LIVE:
            shown = f" {quoted(node.label)}" if marked[i] else ""
            lines.append((f"{var[i]} = {LIVE_VALUES}[{kind[1]}].data",
                          f"  # captured Value{shown}", (var[i],)))
            if node._fn is None:
                continue
        elif kind[0] != OP:  # an input slot or a constant: no statement of its own
            continue
        if inside[i]:
            if i in members.last:
                lines.extend(forward_call(*members.last[i], var))
            continue
        js = parents[i]
        shape = shape_of[i] = shapes.of(node, js, literal)
        fill = fill_of[i] = [var[j] for j in js if literal[j] is None]
        fill.append(var[i])
        operands = fill
        k, waiting = 0, None  # k ends as the node's own field
        for j in js:
            if literal[j] is None:
                if j in pending:
                    waiting = [] if waiting is None else waiting
                    waiting.append((k, j))
                k += 1
        if waiting is not None:  # written inline, or given their statements now
            operands = _inline(i, node, waiting, fill, shape_of, shapes, pending, size, into,
                               text, lines)
        param = names.literal(node._param) if shape.forward_param else None
        expr = shape.forward.format(*operands, param=param)
        if kind[0] != OP:
            text[i] = f"{var[i]} = {expr}"
            continue
        if inline and shape.precedence and uses[i] == 1 and i != last and not marked[i] \
                and consumer[i] >= 0 and kinds[consumer[i]][0] == OP \
                and not inside[consumer[i]] \
                and k not in shapes.rule(shape, node).reads:  # k: the node's own field
            pending[i] = text[i] = expr
            continue
        check = node._fn.check
        if check is not None:
            args = ", ".join((*(var[j] for j in js), *(() if param is None else (param,))))
            fail = names.bind("DomainFailure", DomainFailure)
            lines.append((f"if {global_name(names, node._fn, 'check_', check, 'user_checks')}"
                          f"({args}) is not None: raise {fail}({i})", "", ()))
        note = f"label {quoted(node.label)}" if marked[i] and var[i] == f"node{i}" else ""
        text[i] = _state(var[i], expr, size[i], shape.comment, lines, note)
    host = list(range(n))
    for i in reversed(visible):  # consumers first: the statement each inlined node is in
        if into[i] >= 0:
            host[i] = where = host[into[i]]
            text[i] = f"{_tail(text[i])}, in {var[where]}"
    return shape_of, fill_of, text


def _inline(i: int, node, waiting: list[tuple[int, int]], fill: list[str], shape_of: list,
            shapes: Shapes, pending: dict[int, str], size: list[int], into: list[int],
            text: list[str], lines: list[Line]) -> list[str]:
    """Node i's operand texts when some operands (`waiting`: their field, their node) wait in
    `pending`. Each is written inline if i is an infix op whose rule does not read it, and
    the whole stays within MAX_INLINED ops (the largest is left out first); any other gets its
    statement now, before i's."""
    shape = shape_of[i]
    inline = ()
    if shape.precedence:
        reads = shapes.rule(shape, node).reads
        inline = [w for w in waiting if w[0] not in reads]
        total = 1
        for _, j in inline:
            total += size[j]
        while total > MAX_INLINED:
            largest = max(inline, key=lambda w: size[w[1]])
            inline.remove(largest)
            total -= size[largest[1]]
    texts = list(fill)
    for k, j in waiting:
        expr = pending.pop(j)
        if (k, j) in inline:
            own = shape_of[j].precedence  # a left operand of the same precedence needs no ()
            tight = own > shape.precedence or (own == shape.precedence and k == 0
                                               and shape.consts[0] is None)
            texts[k] = expr if tight else f"({expr})"
            size[i] += size[j]
            into[j] = i
        else:
            text[j] = _state(fill[k], expr, size[j], shape_of[j].comment, lines)
    return texts


def _state(name: str, expr: str, size: int, comment: str, lines: list[Line],
           note: str = "") -> str:
    """Append the statement `name = expr` (`size` ops; `comment` if one, and `note`); returns
    it as the backward's comments show it (a long expression by its end)."""
    comment = comment if size == 1 else ""
    if note:
        comment = f"{comment}, {note}" if comment else f"  # {note}"
    lines.append((f"{name} = {expr}", comment, (name,)))
    return f"{name} = {expr if size == 1 else _tail(expr)}"


def _tail(expr: str, width: int = 40) -> str:
    """An inlined expression as a comment shows it: whole, or if longer than `width` its last
    `width` characters or so (in a left fold, the node's own op is at the end)."""
    if len(expr) <= width:
        return expr
    cut = expr.find(" ", len(expr) - width)
    return expr if cut < 0 else "..." + expr[cut:]


def _unpack_inputs(trace: Trace, var: list[str], hidden: bytes) -> list[Line]:
    """The input slots' variables from the program's inputs (none for the slots only a
    repeated unit reads: the unit reads them from the inputs itself)."""
    targets = ["_"] * trace.slots
    for i, kind in enumerate(trace.kinds):
        if kind[0] == SLOT and not hidden[i]:
            targets[kind[1]] = var[i]
    if not targets:
        return [("", "# no input slots", ())]
    if any(hidden[i] for i, kind in enumerate(trace.kinds) if kind[0] == SLOT):
        return [(f"{name} = {INPUTS}[{k}]", "", (name,)) for k, name in enumerate(targets)
                if name != "_"]
    shown = ", ".join(targets) + ("," if len(targets) == 1 else "")
    return [(f"{shown} = {INPUTS}", "", tuple(t for t in targets if t != "_"))]


class DomainFailure(Exception):
    """Raised by a program when an op's domain check fails: the caller replays f to say why."""


def _backward(trace: Trace, names: Names, var: list[str], marked: list[bool], shapes: Shapes,
              shape_of: list[Shape | None], fill_of: list[list[str]], forward_text: list[str],
              outputs: list[int], lines: list[Line], work: BackwardRecord, needed: list[bool],
              members: Members | None = None, start: dict[int, str] | None = None,
              returned: str = "") -> list[str | None]:
    """The backward statements; returns each node's gradient variable (None if not needed).
    `work` records, per node, what finding the skippable regions needs. `start`: the nodes
    whose gradients come in, added to (a unit's outputs and externals), else the root's is 1."""
    order, parents = trace.order, trace.parents
    grad: list[str | None] = [None] * len(order)
    owned = [False] * len(order)  # a gradient in a variable of its own (others share one)
    root = trace.reach - 1
    lines.append(("", "# backward: the chain rule from the root down, as backward() runs it", ()))
    if start is not None:
        for j, name in start.items():
            grad[j], owned[j] = name, True
    elif needed[root]:
        grad[root] = names.variable(f"{var[root]}_grad")
        lines.append((f"{grad[root]} = 1.0", "", (grad[root],)))
    kinds, renames, first, first_rename = trace.kinds, work.renames, work.first, work.first_rename
    inside = bytearray(len(order)) if members is None else members.inside
    visible = range(root + 1) if members is None else [i for i in members.visible() if i <= root]
    for i in reversed(visible):
        first[i], first_rename[i] = len(lines), len(renames)
        work.gradient[i] = up = grad[i]
        if inside[i]:
            if i in members.last:
                calls, u = members.last[i]
                gradients = Gradients(i, var, grad, owned, renames, names, kinds, needed)
                lines.extend(backward_call(calls, u, gradients, returned))
            continue
        shape = shape_of[i]
        if shape is None:  # a leaf
            continue
        js = parents[i]
        fill = fill_of[i]
        rule = shapes.rule(shape, order[i])
        work.finite_if[i] = rule.finite_if
        if rule.call is None:
            locals_ = rule.partials if rule.plain else \
                [(None if t is None else t.format(*fill), r) for t, r in rule.partials]
        else:  # the rule is called: each local derivative is in a variable of its own
            targets = [names.variable(f"{var[i]}_d{k}") for k in range(len(js))]
            lines.append((rule.call.format(*fill, *targets), rule.comment, tuple(targets)))
            locals_ = [(t, False) for t in targets]
        comment = f"  # {forward_text[i]}"
        for pos in range(len(js) - 1, -1, -1):  # backward() adds b, then a
            j = js[pos]
            local, may_raise = locals_[pos]
            if not needed[j] or up is None:
                if may_raise:  # evaluated for its errors only, as backward() computes it
                    lines.append((local, "  # unused: evaluated as backward() does", ()))
                continue
            if rule.gates[pos]:  # a local that depends on values may be 0, and so j's gradient
                work.gated[j] = True
            product = up if local is None else f"{local} * {up}"  # None: the rule said 1
            if grad[j] is None:
                if local is None and not marked[j] and kinds[j][0] != SLOT:
                    grad[j] = up  # an unlabelled node passed g unchanged shares g's variable
                    renames.append((i, j, None, up))
                    continue
                grad[j] = name = names.variable(f"{var[j]}_grad" if kinds[j][0] != CONST else
                                                f"node{j}_grad")
                owned[j] = True
                renames.append((i, j, None, name))
                lines.append((f"{name} = {product}", comment, (name,)))
            elif owned[j]:
                lines.append((f"{grad[j]} += {product}", comment, (grad[j],)))
            else:  # the shared variable must not change: the sum gets a variable of its own
                shared, grad[j] = grad[j], names.variable(f"{var[j]}_grad")
                owned[j] = True
                renames.append((i, j, shared, grad[j]))
                lines.append((f"{grad[j]} = {shared} + {product}", comment, (grad[j],)))
    work.lines = len(lines)
    if members is not None:  # a node left out has no statements: it starts where the next
        _fill_gaps(visible, root, work)  # node down does
    return grad


def _fill_gaps(visible: list[int], root: int, work: BackwardRecord) -> None:
    """Where the statements of each node left out of the backward loop start: where those of
    the next node below it that was processed start (nothing came between)."""
    first, first_rename = work.first, work.first_rename
    below, at, at_rename = -1, work.lines, len(work.renames)
    for i in [*visible, root + 1]:
        if i - below > 1:
            first[below + 1:i] = [at] * (i - below - 1)
            first_rename[below + 1:i] = [at_rename] * (i - below - 1)
        if i <= root:
            at, at_rename = first[i], first_rename[i]
        below = i
