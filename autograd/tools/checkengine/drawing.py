"""A finding's graph drawn: stepgrad's gradient and the engine's side by side in every node.

Nodes are the program's (node `i` of both runs), so the picture needs nothing from the
learner's engine but the numbers it gave. The first wrong node is filled: the first whose value
is wrong, else the first from the output back whose gradient is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd.tools.checkengine.program import SYMBOLS, Num, close
from autograd.viz.dot import fmt
from autograd.viz.rendering import digraph_class
from autograd.viz.safe import plain, record_field

if TYPE_CHECKING:
    import graphviz

    from autograd.tools.checkengine.program import Program, Run
    from autograd.tools.checkengine.report import Finding

WRONG = "#ffab91"


def draw_finding(finding: Finding) -> graphviz.Digraph:
    """The finding's graph as a Digraph (see the module docstring)."""
    if finding.program is None or finding.runs is None:
        raise ValueError(f"draw: the {finding.code} finding has no small graph to draw (its "
                         f"graph is in .expression)")
    program, (expected, got) = finding.program, finding.runs
    wrong = first_wrong(program, expected, got)
    names = program.names
    want = expected.grads[-1]
    have = got.grads[program.passes - 1] if len(got.grads) >= program.passes else None
    dot = digraph_class()(format="svg", graph_attr={"rankdir": "LR"})
    calls = "" if program.passes == 1 else f", after {program.passes} backward() calls"
    dot.attr(label=plain(f"{finding.code}: expected grad (stepgrad) beside got grad{calls}"),
             labelloc="t", fontsize="11")
    for i, name in enumerate(names):
        fields = [record_field(name), _data(expected, got, i),
                  f"expected grad {fmt(want[i])}",
                  f"got grad {'?' if have is None or have[i] is None else fmt(have[i])}"]
        style = {"style": "filled", "fillcolor": WRONG} if i == wrong else {}
        dot.node(f"n{i}", "{ " + " | ".join(fields) + " }", shape="record", **style)
    first = len(program.inputs)
    for k, line in enumerate(program.lines):
        node = f"n{first + k}"
        symbol = SYMBOLS.get(line.op, f"**{line.param:g}" if line.op == "pow" else line.op)
        dot.node(node + "_op", plain(symbol), shape="ellipse", fontsize="11", height="0.3")
        dot.edge(node + "_op", node)
        for j, x in enumerate(line.operands):
            if isinstance(x, int):
                source = f"n{x}"
            else:  # a constant: a number, or a Value leaf made for it
                source = f"{node}_c{j}"
                if isinstance(x, Num):
                    dot.node(source, plain(repr(x.value)), shape="plaintext", fontsize="11")
                else:
                    dot.node(source, record_field(f"Value({x.value!r})"), shape="record",
                             fontsize="11")
            extra = {"headlabel": "ab"[j], "labelfontsize": "10"} if line.op in (
                "sub", "div") else {}
            dot.edge(source, node + "_op", **extra)
    return dot


def _data(expected: Run, got: Run, i: int) -> str:
    want = expected.data[i]
    have = got.data[i] if i < len(got.data) else None
    if close(want, have):
        return f"data {fmt(want)}"
    return f"data {fmt(want)}, got {'?' if have is None else fmt(have)}"


def first_wrong(program: Program, expected: Run, got: Run) -> int | None:
    """The first node whose value is wrong; else, from the output back, whose gradient is.

    After several passes the output's own grad is left out: engines seed it differently.
    """
    for i, want in enumerate(expected.data):
        if i >= len(got.data) or not close(want, got.data[i]):
            return i
    if len(got.grads) < program.passes:
        return None
    want, have = expected.grads[-1], got.grads[program.passes - 1]
    last = len(want) - (1 if program.passes > 1 else 0)
    for i in reversed(range(last)):
        if not close(want[i], have[i]):
            return i
    return None
