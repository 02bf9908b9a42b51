"""Rich display in Jupyter: each object's HTML says what its text says, escaped, and repr stays."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from needs import need_module

from autograd import Value
from autograd.core.text import fmt


def neuron() -> tuple[Value, Value]:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, x


def texts(markup: str) -> list[str]:
    """The text of each leaf element, in order (the HTML here is well-formed XML)."""
    return [e.text or "" for e in ET.fromstring(markup).iter() if len(e) == 0]


def test_a_value_shows_label_data_grad_and_op_and_keeps_its_repr():
    o, x = neuron()
    before = repr(o)
    o.backward()
    assert texts(o._repr_html_()) == ["o", "data 0.707107", "grad 1.0", "op tanh"]
    assert texts(x._repr_html_()) == ["x", "data 2.0", "grad -1.5"]  # a leaf has no op
    assert texts(Value(3.0)._repr_html_()) == ["data 3.0", "grad 0.0"]  # nor an empty label
    assert ET.fromstring(o._repr_html_()).get("title") == repr(o)
    assert before == "Value(0.707107, grad=0.0, label='o', op='tanh')"  # the REPL's text


def test_a_value_whose_grad_is_a_value_shows_it():
    x = Value(3.0, "x")
    (x * x).backward(create_graph=True)
    assert texts(x._repr_html_()) == ["x", "data 3.0", "grad Value(6.0)"]


def test_labels_that_look_like_html_stay_text():
    a = Value(1.0, "<b>a</b> & 'q'")
    out = a * 2
    assert texts(a._repr_html_())[0] == "<b>a</b> & 'q'"
    table = ET.fromstring(out.explain()._repr_html_())
    assert table.find(".//b") is None
    assert [c.text for c in table.iter("code")][0] == "(<b>a</b> & 'q')"
    assert texts(out.text_graph()._repr_html_()) == [str(out.text_graph())]


def test_explain_html_is_the_same_table():
    o, _ = neuron()
    o.backward()
    table = o.explain()
    root = ET.fromstring(table._repr_html_())
    header = [th.text for th in root.iter("th")]
    rows = [["".join(td.itertext()) for td in tr.iter("td")] for tr in root.find("tbody")]
    assert header == ["#", "node", "op", "formula", "data", "grad"]
    assert rows == [[str(r.index), r.name, r.op or "leaf", r.formula, fmt(r.data), fmt(r.grad)]
                    for r in table]
    assert rows[0] == ["0", "x", "leaf", "", "2.0", "-1.5"]
    assert rows[4] == ["4", "n", "+", "x*w + b", "0.881374", "0.5"]


def test_a_step_shows_its_heading_and_chain_rule_lines():
    o, _ = neuron()
    steps = o.backward_steps()
    seed, step = next(steps), next(steps)
    assert texts(step._repr_html_()) == [step.heading, str(step)]
    assert texts(seed._repr_html_()) == ["step 0/3: o = tanh(n)", "o.grad = 1.0 (seed)"]
    pretty = need_module("IPython.lib.pretty").pretty  # IPython's text/plain for a step
    assert pretty(step) == f"{step.heading}\n{step}"
    # The plain REPL (`next(steps)`) shows the same text, numbered as the heading numbers it.
    assert repr(step) == pretty(step) == ("step 1/3: o = tanh(n)\n"
                                          "n.grad += 1.0 (upstream) * 0.5 (d(tanh(n))/dn = "
                                          "1 - o*o) = 0.5")
    assert "(seed)" not in seed.heading and repr(seed).count("(seed)") == 1
    assert (seed.last, seed.total) == (3, 4)


def compiled_neuron():
    import autograd

    def f(x, w, b):
        o = (x * w + b).tanh()
        o.label = "o<&>"  # a label that must stay text in the HTML
        return o

    return autograd.compile(f, 2.0, -3.0, 6.8813735870195432, argnums=(0, 1, 2))


def test_a_compiled_program_shows_its_source_highlighted_by_pygments():
    need_module("pygments")
    shown = compiled_neuron()._repr_html_()
    assert "<span" in shown and 'style="' in shown  # pygments' inline colours
    plain = ET.fromstring(shown.replace("&nbsp;", " ")).itertext()
    import html

    assert html.unescape("".join(plain)) == compiled_neuron().source


def test_without_pygments_a_compiled_program_shows_as_escaped_pre(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pygments", None)  # import pygments now raises ImportError
    compiled = compiled_neuron()
    shown = compiled._repr_html_()
    assert shown.startswith('<pre class="stepgrad-text">')
    assert "".join(ET.fromstring(shown).itertext()) == compiled.source


def test_a_long_program_shows_its_first_lines_and_says_how_many_more():
    from unittest import mock

    import autograd
    from autograd.compiler import repeats
    from autograd.core.display import SOURCE_LINES

    with mock.patch.object(repeats, "MIN_GRAPH", float("inf")):  # every node written out
        compiled = autograd.compile(lambda xs: autograd.sum_of(x.tanh() for x in xs),
                                    [1.0] * 500)
    total = len(compiled.source.splitlines())
    shown = compiled._repr_html_()
    assert total > SOURCE_LINES
    assert f"{total - SOURCE_LINES:,} more lines" in shown
