"""micrograd's trace_graph.ipynb pattern, rewritten: a drawing made by walking `_prev`, `_op`."""

from __future__ import annotations

import random

from needs import need, need_module

from autograd.compat.micrograd import Value, nn


def trace(root):
    """Every node and edge behind `root`, read from `_prev` (a stack: micrograd's recurses)."""
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    return nodes, edges


def draw_dot(root, format="svg", rankdir="LR"):
    """micrograd's notebook function, as its users write it."""
    digraph = need_module("graphviz").Digraph
    nodes, edges = trace(root)
    dot = digraph(format=format, graph_attr={"rankdir": rankdir})
    for n in nodes:
        label = "{ data %.4f | grad %.4f }" % (n.data, n.grad)  # noqa: UP031 - as written there
        dot.node(name=str(id(n)), label=label, shape="record")
        if n._op:
            dot.node(name=str(id(n)) + n._op, label=n._op)
            dot.edge(str(id(n)) + n._op, str(id(n)))
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def test_an_expression_is_traced_and_drawn():
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    nodes, edges = trace(y)
    assert len(nodes) == 6 and len(edges) == 5  # x, 2, x*2, 1, +, relu
    assert sorted(n._op for n in nodes if n._op) == ["*", "+", "ReLU"]
    dot = draw_dot(y)
    assert "{ data 3.0000 | grad 1.0000 }" in dot.source  # the output
    assert "{ data 1.0000 | grad 2.0000 }" in dot.source  # x
    need("dot")
    assert dot.pipe(format="svg").decode().count('class="node"') == 9  # 6 records, 3 ops


def test_a_neuron_is_traced_and_drawn():
    random.seed(1337)
    n = nn.Neuron(2)
    x = [Value(1.0), Value(-2.0)]
    y = n(x)
    y.backward()
    nodes, edges = trace(y)
    assert len(nodes) == 10  # w0 w1 x0 x1 b, two products, two sums, relu
    ops = sorted(node._op for node in nodes if node._op)
    assert ops == ["*", "*", "+", "+", "ReLU"]
    assert len(edges) == 9
    need("dot")
    assert "<svg" in draw_dot(y).pipe(format="svg").decode()
