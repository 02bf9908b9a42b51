"""explain() and text_graph(): every node once, shared ones referenced, in the shared convention."""

from __future__ import annotations

import re

import pytest

from autograd import Value, explain, text_graph, topological_order
from autograd.core.text import fmt
from autograd.introspect.explain import MAX_NAME, Names


def neuron() -> Value:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def test_explain_rows_are_the_topological_order():
    o = neuron()
    table = o.explain()
    order = topological_order(o)
    assert [row.node for row in table] == order and len(table) == len(order)
    assert [row.index for row in table] == list(range(len(order)))
    assert [row.name for row in table] == ["x", "w", "x*w", "b", "n", "o"]
    assert table[5].formula == "tanh(n)" and table[5].op == "tanh"
    assert [row.grad for row in table] == [node.grad for node in order]
    assert isinstance(table, list) and table[-2:] == list(table)[-2:]  # a list: slices too


def test_explain_prints_as_an_aligned_table_in_the_repl():
    table = explain(neuron())
    assert repr(table) == str(table)
    lines = str(table).splitlines()
    assert lines[0].split() == ["#", "node", "op", "formula", "data", "grad"]
    assert lines[2].split() == ["0", "x", "leaf", "2.0", "-1.5"]
    assert lines[-1].split() == ["5", "o", "tanh", "tanh(n)", "0.707107", "1.0"]
    assert len({len(line) for line in lines[:2]}) == 1  # the rule under the header fits it


def test_text_graph_draws_each_node_once_and_references_shared_ones():
    a = Value(3.0, "a")
    y = (a * a + a).tanh()
    drawing = text_graph(y)
    assert repr(drawing) == str(drawing)
    lines = drawing.splitlines()
    assert lines[0].startswith("[3] tanh(a*a + a)  data ")
    assert lines[1].startswith("└─ [2] a*a + a  data 12.0")
    assert lines[2].startswith("   ├─ [1] a*a ")
    assert lines[3].startswith("   │  ├─ [0] a  data 3.0  grad 0.0")
    assert lines[4] == "   │  └─ [0] a  (see [0])"
    assert lines[5] == "   └─ [0] a  (see [0])"
    assert len(lines) == 6


def test_text_graph_agrees_with_explain_and_marks_non_finite_grads():
    o = neuron()
    o.parents[0].grad = float("nan")
    drawing = o.text_graph()
    for row in o.explain():
        assert f"[{row.index}] {row.name}" in drawing
    assert "grad nan  <- not finite" in drawing


def test_a_deep_chain_is_bounded_and_iterative():
    x = Value(0.5, "x")
    y = x
    for _ in range(50_000):  # far past Python's recursion limit
        y = y + 1.0
    drawing = text_graph(y, max_depth=10)
    assert "deeper than 10" in drawing
    assert len(drawing.splitlines()) <= 2 * 11 + 1
    assert len(explain(y)) == 100_001


def test_names_fall_back_to_node_numbers_for_long_formulas():
    x = Value(0.5, "x")
    y = x
    for _ in range(10):
        y = y.sin()
    order = topological_order(y)
    names = Names(order)
    assert names(order[1]) == "sin(x)"
    assert names(y) == f"node#{len(order) - 1}"
    assert all(len(names(node)) <= MAX_NAME for node in order)
    const = Value(-2.0)
    assert Names([const]).target(const) == "(-2).grad"


def test_fmt_keeps_a_float_look():
    assert [fmt(x) for x in (1.0, -3.0, 0.5, 1e-7, float("inf"), 0.70710678)] == [
        "1.0", "-3.0", "0.5", "1e-07", "inf", "0.707107"]
    assert fmt(Value(2.0)) == "Value(2.0)"


def test_a_label_that_is_not_one_word_is_bracketed_like_a_formula():
    a, b = Value(1.0, "x1*w1 + b"), Value(2.0, "layers.0.w1")
    steps = list((a * b).backward_steps())
    assert str(steps[1].contributions[0]).startswith("(x1*w1 + b).grad += ")
    assert "(x1*w1 + b)*layers.0.w1" in steps[1].heading


def test_names_follow_the_recorded_ops_not_a_simplified_form():
    # Simplifying -(-a) to `a` gave the outer neg the leaf's name: two nodes called `a`.
    a, b = Value(1.5, "a"), Value(2.0, "b")
    minus_a = -a
    assert [r.name for r in explain(-minus_a)] == ["a", "-a", "-(-a)"]
    assert explain(a - (-b))[-1].name == "a - (-b)"
    assert explain(a + (-b))[-1].name == "a + (-b)"
    assert explain(a * (-b))[-1].formula == "a*-b"
    steps = list((a - (-b)).backward_steps())
    assert steps[1].heading == "step 1/2: a - (-b)"
    assert "d(a - (-b))/d(-b) = -1" in str(steps[1])


def test_two_nodes_with_the_same_formula_get_different_names():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    y = a * b + a * b
    names = [row.name for row in y.explain()]
    assert len(set(names)) == len(names)
    assert "a*b" in names and any(name.startswith("node#") for name in names)


@pytest.mark.parametrize("label", [3, None, b"x", 1.5])
def test_a_label_set_to_a_non_str_is_a_type_error_naming_the_node(label):
    from autograd.introspect.stepper import backward_steps

    x = Value(2.0, "x")
    y = (x * 3.0).tanh()
    x.label = label
    given = f"has label {label!r}, a {type(label).__name__}: a label must be a str"
    for view in (explain, text_graph):
        with pytest.raises(TypeError, match=re.escape(f"node#0 (op leaf, data 2.0) {given}")):
            view(y)
    with pytest.raises(TypeError, match=re.escape(given)):
        next(iter(backward_steps(y)))
    assert y.grad == 0.0 and x.grad == 0.0  # refused before the pass wrote anything


def test_labels_with_characters_that_cannot_be_shown_show_as_escapes():
    x = Value(2.0, "a\nb\x00\ud800")
    text = str(explain(x * 2.0))
    assert "(a\\nb\\x00\\ud800)" in text and "\n" not in text.splitlines()[2]
    assert len(text_graph(x * 2.0).splitlines()) == 3


def test_a_long_label_in_a_big_graph_keeps_every_view_bounded():
    # One 100 KB label used by thousands of nodes: each row, each formula naming it and each
    # tree line showed it whole (the table padded every row to it: gigabytes). Cells are cut
    # at MAX_CELL characters, so the output grows with the nodes, not nodes times the label.
    from autograd import sum_of
    from autograd.core.text import MAX_CELL

    label = "w" * 100_000
    x = Value(1.5, label)
    odd = Value(2.0, "a b" * 50_000)  # not one word: bracketed
    root = sum_of([x * float(i) + odd for i in range(3000)])
    table = explain(root)
    text = str(table)
    nodes = len(table)
    assert nodes > 9000
    assert len(text) <= (nodes + 2) * 200
    assert max(len(line) for line in text.splitlines()) <= 4 * MAX_CELL + 40
    assert table[0].name == label and table[0].node.label is label  # the full label stays
    assert f"{label[:MAX_CELL - 1]}…" in text.splitlines()[2]
    assert all(len(row.formula) <= 2 * MAX_CELL + 10 for row in table)
    assert len(text_graph(root)) <= nodes * 300
    assert len(table._repr_html_()) <= nodes * 400
