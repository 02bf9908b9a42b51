"""Writes the docs' pictures: `python tests/autograd/viz/docs_images.py` from the repo root.

docs/neuron.svg is micrograd's tanh neuron after backward; docs/cube-grad.svg is the graph that
computes d(x*x*x)/dx after backward(create_graph=True). test_viz_docs.py checks what they show.
"""

from __future__ import annotations

from pathlib import Path

from viz_helpers import neuron

from autograd import Value
from autograd.viz import draw_dot, render

DOCS = Path(__file__).resolve().parents[3] / "docs"


def cube_grad() -> Value:
    """x.grad for y = x*x*x at x = 2, as a Value whose graph computes 3x²."""
    x = Value(2.0, "x")
    y = x * x * x
    y.backward(create_graph=True)
    x.grad.label = "dy/dx"
    return x.grad


def main() -> None:
    o, _ = neuron()
    o.backward()
    render(draw_dot(o), DOCS / "neuron.svg")
    render(draw_dot(cube_grad(), show_grad=False), DOCS / "cube-grad.svg")


if __name__ == "__main__":
    main()
