"""Every notebook runs top to bottom in a fresh kernel, and shows what its prose promises."""

from __future__ import annotations

import ast
import html
import math
import re
import xml.etree.ElementTree as ET

import pytest
from notebook_helpers import NAMES, cell, printed, result, shown

from autograd import Value, backward_steps

NEURON_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}


@pytest.mark.parametrize("name", NAMES)
def test_runs_without_error(executed, name):
    notebook = executed(name)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    # Nor a warning (a first matplotlib import may say on stderr that it builds its font cache).
    warned = [o.text for o in outputs if o.get("name") == "stderr"
              and re.search("Warning|Traceback", o.text)]
    assert warned == []
    assert all(c.execution_count for c in notebook.cells if c.cell_type == "code")


def test_01_by_hand_and_by_stepgrad_agree_with_a_finite_difference(executed):
    notebook = executed(NAMES[0])
    assert result(notebook, "value") == "Value(2.0, grad=0.0, label='a')"  # repr, unchanged
    assert 'class="stepgrad-value"' in result(notebook, "value", "text/html")
    assert result(notebook, "product") == "Value(6.0, grad=0.0, label='c', op='*')"
    by_hand = ast.literal_eval(result(notebook, "by-hand"))
    by_stepgrad = ast.literal_eval(result(notebook, "backward"))
    for values in (by_hand, by_stepgrad):
        assert values.keys() == NEURON_GRADS.keys()
        assert all(math.isclose(values[k], g, abs_tol=1e-12) for k, g in NEURON_GRADS.items())
    assert result(notebook, "agree") == "True"
    lines = printed(notebook, "finite-difference").splitlines()
    assert len(lines) == 5
    for line in lines:  # "x1  stepgrad -1.50000000  finite difference -1.50000000"
        name, ours, numeric = re.fullmatch(
            r"\s*(\w+)  stepgrad (\S+)  finite difference (\S+)", line).groups()
        assert float(ours) == pytest.approx(NEURON_GRADS[name], abs=1e-8)
        assert abs(float(ours) - float(numeric)) < 1e-6  # "agree to at least six decimals"
    svg = result(notebook, "graph", "image/svg+xml")
    assert all(f">{label}<" in svg for label in NEURON_GRADS)
    assert "grad &#45;1.5000" in svg or "grad -1.5000" in svg
    rows = ET.fromstring(result(notebook, "explain", "text/html")).find("tbody")
    assert len(rows) == 10 and "".join(rows[0].itertext()).startswith("0x1leaf")
    # the program autograd.compile writes: the manual backprop, line for line
    program = html.unescape(re.sub(r"<[^>]+>", "", result(notebook, "compiled", "text/html")))
    for line in ("    n = x1 * w1 + x2 * w2 + b\n", "    o_grad = 1.0\n",
                 "    n_grad = (1.0 - (o * o)) * o_grad  # o = tanh(n)\n",
                 "    b_grad = n_grad  # n = x1 * w1 + x2 * w2 + b\n",
                 "    w1_grad = x1 * n_grad  # x1 * w1, in n\n"):
        assert line in program, program
    assert result(notebook, "compiled-agrees") == "True"  # "bit for bit"


def neuron_steps() -> list[tuple[str, str]]:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return [(s.heading, str(s)) for s in backward_steps(o)]


def step_texts(markup: str) -> tuple[str, str]:
    root = ET.fromstring(markup)
    return root.findtext("b"), root.findtext("pre")


def test_02_steps_one_per_cell_then_the_player_and_the_graph_of_a_gradient(executed):
    notebook = executed(NAMES[1])
    steps = neuron_steps()
    assert "grad 0.0" in result(notebook, "neuron") and "grad -1.5" not in result(notebook,
                                                                                   "neuron")
    assert step_texts(result(notebook, "step-0", "text/html")) == steps[0]
    assert step_texts(result(notebook, "step-1", "text/html")) == steps[1]
    assert result(notebook, "step-1") == "\n".join(steps[1])  # IPython's text: the same words
    n_grad, x_grad = ast.literal_eval(result(notebook, "paused"))
    assert math.isclose(n_grad, 0.5) and x_grad == 0.0  # "nothing has reached x yet"
    assert "<svg" in result(notebook, "paused-graph", "image/svg+xml")
    rest = [step_texts(m) for m in shown(notebook, "rest", "text/html")]
    assert rest == steps[2:]
    grads = {line.split()[1]: line.split()[-1] for line in
             result(notebook, "explain").splitlines()[2:]}
    assert (grads["x"], grads["w"], grads["b"]) == ("-1.5", "1.0", "0.5")

    player = result(notebook, "player", "text/html")
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', player).group(1))
    for heading, text in steps:  # every step's words are in the page's frames
        assert heading in page and text.replace("<", "\\u003c").splitlines()[0] in page
    assert result(notebook, "player") == "<Player: 4 steps, 'backprop of o'>"
    assert shown(notebook, "widget", "application/vnd.jupyter.widget-view+json")
    assert shown(notebook, "widget") == ["<StepperWidget of o: no step yet>",
                                         "<IPython.core.display.HTML object>"]
    assert "live widget: run this notebook in Jupyter" in shown(notebook, "widget", "text/html")[0]
    assert result(notebook, "after-widget") == "(0.0, 0.0, 0.0)"  # "nothing clicked yet"

    assert result(notebook, "create-graph").startswith("Value(27.0,")  # dy/dt = 3t² = 27
    svg = result(notebook, "grad-graph", "image/svg+xml")
    assert svg.count(">*<") == 3 and "grad" not in svg  # t*t three times, show_grad=False
    assert result(notebook, "second") == "18.0"  # d²y/dt² = 6t = 18


def table_rows(text: str) -> dict[tuple[str, str], list[str]]:
    """gradcheck's failure table: (input, mode) -> the row's cells after the mode."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("input"))
    rows = [line.split() for line in lines[start + 1:] if line.strip()]
    return {(cells[0], cells[1]): cells[3:] for cells in rows}  # mode is `rev (grad)`, ...


def test_03_gradcheck_passes_catches_a_detach_and_hypothesis_finds_the_hidden_bug(executed):
    notebook = executed(NAMES[2])
    assert result(notebook, "gradcheck") == "True"
    wrong = printed(notebook, "wrong")
    assert wrong.startswith("gradcheck failed for normalized_x at (x=3, y=4):")
    rows = table_rows(wrong)
    for mode in ("rev", "fwd"):  # both modes see the detach
        assert rows["x", mode][:2] == ["0.2", "0.128"] and rows["y", mode][:2] == ["0", "-0.096"]
        assert rows["x", mode][-1] == rows["y", mode][-1] == "mismatch"
    assert result(notebook, "fixed") == "True"
    assert result(notebook, "softsign") == "[True, True, True, True]"
    found = printed(notebook, "hypothesis")
    assert found.startswith("gradcheck failed for <lambda> at (x0=")
    assert all(row[-1] == "mismatch" for row in table_rows(found).values())
    # The smallest case: a graph of a step or two, whose value is above 2 (where the bug is).
    expression, value = re.fullmatch(r"\((Expression\(.*\)), (\S+)\)",
                                     result(notebook, "smallest")).groups()
    assert float(value) > 2 and expression.count(" = ") <= 2
    # ... and it is the case the table above reports: the same point.
    first_variable = re.match(r"Expression\(\w+=([^,:]+)", expression).group(1)
    at = float(re.search(r"at \(x0=([^,)]+)", found).group(1))  # printed with 6 digits
    assert float(first_variable) == pytest.approx(at, rel=1e-5)
    # A user op with a wrong rule (2a² for d(a³)/da), caught in both modes; fixed, it passes.
    wrong_op = printed(notebook, "user-op")
    assert wrong_op.startswith("gradcheck failed for cube at (a=1.5):")
    rows = table_rows(wrong_op)
    for mode in ("rev", "fwd"):
        assert rows["a", mode][:2] == ["4.5", "6.75"] and rows["a", mode][-1] == "mismatch"
    assert result(notebook, "user-op-fixed") == "True"


def test_04_training_lowers_the_loss_and_scores_at_least_90_percent(executed):
    notebook = executed(NAMES[3])
    assert shown(notebook, "data", "image/png")
    live = [o for o in cell(notebook, "train").outputs if o.output_type == "display_data"]
    assert len(live) == 1 and "image/png" in live[0].data  # one plot, updated in place
    first, last = map(float, re.fullmatch(
        r"training loss (\S+) at step 1, (\S+) at step 40\n", printed(notebook, "train")).groups())
    assert last < first / 5
    accuracy = re.fullmatch(r"test accuracy (\d+)% on 25 held-out points\n",
                            printed(notebook, "accuracy")).group(1)
    assert int(accuracy) >= 90
    assert shown(notebook, "boundary", "image/png")


def test_05_check_engine_names_the_bug_and_passes_the_fix(executed):
    notebook = executed(NAMES[4])
    a_grad, b_grad = ast.literal_eval(result(notebook, "looks-fine"))
    assert a_grad == pytest.approx(-3.0 * (1 - math.tanh(-6.0) ** 2), rel=1e-12)
    assert b_grad == pytest.approx(2.0 * (1 - math.tanh(-6.0) ** 2), rel=1e-12)
    assert result(notebook, "check") == "<EngineReport of Value: grad-overwritten>"
    page = result(notebook, "check", "text/html")
    assert "<table" in page and "<svg" in page and "expected grad 2.0000" in page
    code, message = printed(notebook, "finding").split("\n", 1)
    assert code == "grad-overwritten"
    assert "write `self.grad += ...` instead of `self.grad = ...`" in message
    assert printed(notebook, "expression") == "x = Value(0.0)\nout = x + x\nout.backward()\n"
    assert "grads={'x': 2.0}" in result(notebook, "expression")
    assert "grads={'x': 1.0}" in result(notebook, "expression")
    svg = result(notebook, "draw", "image/svg+xml")
    assert "expected grad 2.0000" in svg and "got grad 1.0000" in svg
    assert result(notebook, "check-again") == "<EngineReport of Value: no findings>"

