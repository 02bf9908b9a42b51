"""The live stepper widget without a browser: its buttons drive a real backward_steps() pass."""

from __future__ import annotations

import sys

import pytest
from viz_helpers import need, need_module, neuron, parse_svg

from autograd.core.display import step_html
from autograd.introspect.stepper import backward_steps
from autograd.viz import stepper_widget


def paused_grads(k: int) -> dict[str, float]:
    """The grads after k steps of the stepper itself, on a fresh neuron."""
    o, v = neuron()
    steps = backward_steps(o)
    for _ in range(k):
        next(steps)
    return {name: node.grad for name, node in v.items()}


def test_each_click_applies_one_step_and_redraws():
    need("dot")
    need_module("ipywidgets")
    o, v = neuron()
    widget = stepper_widget(o)
    assert widget.step is None and "no step yet" in widget.status.value
    assert all(node.grad == 0.0 for node in v.values())
    for k in range(1, 7):
        widget.next_button.click()
        assert {name: node.grad for name, node in v.items()} == paused_grads(k)
        assert widget.step.index == k - 1 and widget.status.value == step_html(widget.step)
        drawn = parse_svg(widget.graph.value)
        grads = {t[0]: drawn.field_of(key, "grad") for key, t in drawn.records().items()}
        assert grads["o"] == 1.0 and grads["x1"] == (-1.5 if k == 6 else 0.0)
    assert widget.done and widget.next_button.disabled and widget.finish_button.disabled
    widget.next_button.click()  # past the end: nothing changes
    assert widget.step.index == 5 and v["x1"].grad == paused_grads(6)["x1"]


def test_finish_applies_the_rest_as_backward_would():
    need("dot")
    need_module("ipywidgets")
    o, v = neuron()
    expected, grads = neuron()
    expected.backward()
    widget = stepper_widget(o)
    widget.next_button.click()
    widget.finish_button.click()
    assert widget.done and {n: x.grad for n, x in v.items()} == paused_grads(6)
    assert all(v[name].grad == node.grad for name, node in grads.items())  # == backward()
    assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_a_graph_too_big_is_refused_before_any_grad_moves():
    need_module("ipywidgets")
    o, v = neuron()
    with pytest.raises(ValueError, match="max_nodes"):
        stepper_widget(o, max_nodes=3)
    assert all(node.grad == 0.0 for node in v.values())


def test_without_ipywidgets_it_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails as if not installed
    o, _ = neuron()
    with pytest.raises(ImportError, match=r"pip install ipywidgets \(or, in your stepgrad clone, "
                                          r"pip install -e '\.\[notebooks\]'\)"):
        stepper_widget(o)


def test_where_widgets_do_not_show_it_says_where_the_pass_is():
    need("dot")
    need_module("ipywidgets")
    o, _ = neuron()
    widget = stepper_widget(o)
    assert widget._repr_mimebundle_()["text/plain"] == "<StepperWidget of o: no step yet>"
    widget.next_button.click()
    assert repr(widget) == "<StepperWidget of o: step 0/5: o = tanh(n)>"
