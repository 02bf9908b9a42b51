"""to_dot: draw_dot's DOT text without the graphviz package, byte for byte what graphviz writes."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from viz_helpers import need_module, neuron

from autograd import Value
from autograd.viz import draw_dot, to_dot
from autograd.viz.dot import _graph
from autograd.viz.dotsource import DotGraph, NoHtml, quote

REPO = Path(__file__).resolve().parents[3]


def hostile() -> Value:
    x = Value(2.0, 'a|b {c} <d> "e" \\f\\')
    y = Value(-3.0, "<b>html</b>")
    z = (x * y).tanh() + Value(1.0, "graph")
    z.label = "layers.0.out\n"
    return z


OPTION_SETS = [
    {}, {"rankdir": "TB", "show_grad": False}, {"edge_labels": True},
    {"clusters": 1}, {"collapse": True, "clusters": 1}, {"max_depth": 1},
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=str)
@pytest.mark.parametrize("make", [lambda: neuron()[0], hostile], ids=["neuron", "hostile"])
def test_to_dot_is_draw_dots_source(make, options):
    root = make()
    root.backward()
    assert to_dot(root, **options) == draw_dot(root, **options).source


def test_a_step_is_marked_the_same_way():
    root = neuron()[0]
    for step in root.backward_steps():
        assert to_dot(root, step=step) == draw_dot(root, step=step).source


@given(st.text(max_size=20), st.booleans())
def test_quoting_is_graphvizs(text, no_html):
    quoting = need_module("graphviz.quoting")
    if text.endswith("\\"):  # graphviz warns (and so does Graphviz): stepgrad never writes one
        text += "x"
    given_text = NoHtml(text) if no_html else text
    theirs = quoting.quote(quoting.NoHtml(text) if no_html else text)
    assert quote(given_text) == theirs


def test_the_writer_writes_what_graphviz_writes_for_the_same_calls():
    graphviz = need_module("graphviz")
    ours, theirs = DotGraph(graph_attr={"rankdir": "LR"}), graphviz.Digraph(
        graph_attr={"rankdir": "LR"})
    inner, inner_theirs = DotGraph(name="cluster_0"), graphviz.Digraph(name="cluster_0")
    for graph, sub, nohtml in ((ours, inner, NoHtml), (theirs, inner_theirs, graphviz.nohtml)):
        graph.node("n0", '{ x \\| y | data 1.0 }', shape="record", style=None)
        graph.node("node", nohtml("<b>"), fillcolor="#ffe082", style="filled")
        graph.edge("n0", "n0_op", label=nohtml('say "hi"'), xlabel="+= 1.0")
        sub.node("n1", "strict")
        sub.attr(label=nohtml("layers.0"), style="rounded,dashed")
        graph.subgraph(sub)
        graph.attr(label=nohtml("footer"), fontsize="10")
    assert ours.source == theirs.source


def test_unknown_options_are_refused_by_name():
    with pytest.raises(TypeError, match="to_dot: unknown option 'colour'"):
        to_dot(Value(1.0), colour="red")
    with pytest.raises(TypeError, match="draw_dot: unknown option 'colour'"):
        draw_dot(Value(1.0), colour="red")


def test_draw_dots_docstring_lists_every_option_with_its_default():
    for p in list(inspect.signature(_graph).parameters.values())[1:]:
        default = '"' + p.default + '"' if isinstance(p.default, str) else repr(p.default)
        if p.name == "max_nodes":
            default = str(p.default)
        assert f"{p.name}={default}" in " ".join(draw_dot.__doc__.split())


def test_to_dot_works_without_the_graphviz_package():
    code = ("import sys; sys.modules['graphviz'] = None  # as if not installed\n"
            "from autograd import Value\n"
            "from autograd.viz import to_dot\n"
            "x = Value(2.0, 'x'); y = (x * x).tanh(); y.backward()\n"
            "print(to_dot(y, edge_labels=True))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert re.match(r"digraph \{\n\tgraph \[[^\n]*rankdir=(LR|TB)[^\n]*\]\n", done.stdout)
    assert '[label="{ x | data 2.0000 | grad ' in done.stdout
