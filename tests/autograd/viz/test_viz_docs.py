"""The docs' pictures: they show what they claim, and match what the code draws today."""

from __future__ import annotations

import math
from pathlib import Path

from docs_images import cube_grad, main
from viz_helpers import evaluate, need, neuron, parse_svg

from autograd.viz import draw_dot, to_svg

REPO = Path(__file__).resolve().parents[3]


def test_neuron_svg_is_micrograds_neuron_after_backward():
    drawn = parse_svg((REPO / "docs" / "neuron.svg").read_text())
    shown = {texts[0]: texts[1:] for texts in drawn.records().values()}
    assert shown["x1"] == ["data 2.0000", "grad -1.5000"]
    assert shown["w1"] == ["data -3.0000", "grad 1.0000"]
    assert shown["x2"] == ["data 0.0000", "grad 0.5000"]
    assert shown["w2"] == ["data 1.0000", "grad 0.0000"]
    assert shown["b"] == ["data 6.8814", "grad 0.5000"]
    assert shown["o"] == ["data 0.7071", "grad 1.0000"]


def test_cube_grad_svg_is_the_graph_of_3x_squared():
    drawn = parse_svg((REPO / "docs" / "cube-grad.svg").read_text())
    for at in (2.0, -0.5, 4.0):
        assert math.isclose(evaluate(drawn, {"x": at}), 3 * at * at)


def test_docs_pictures_match_what_is_drawn_now():
    need("dot")
    o, _ = neuron()
    o.backward()
    fresh = {"neuron.svg": to_svg(draw_dot(o)),
             "cube-grad.svg": to_svg(draw_dot(cube_grad(), show_grad=False))}
    for name, svg in fresh.items():
        committed = parse_svg((REPO / "docs" / name).read_text())
        assert parse_svg(svg).texts == committed.texts, f"regenerate: {main.__module__}.py"


def test_the_drawing_guide_and_the_readme_embed_the_pictures():
    guide = (REPO / "docs" / "how-to" / "draw-a-graph.md").read_text()
    for needed in ("](../neuron.svg)", "](../cube-grad.svg)", "draw_dot", "write_player"):
        assert needed in guide
    assert "](docs/neuron.svg)" in (REPO / "README.md").read_text()


def test_the_collapse_example_labels_the_loss_and_gives_no_exact_count():
    # Without `loss.label = "loss"` the summary has no `loss` box (the loss joins layers.2),
    # and the node count depends on model and data, so the guide rounds it.
    section = (REPO / "docs" / "how-to" / "draw-a-graph.md").read_text()
    example = section.index('loss.label = "loss"')
    assert example < section.index("draw_dot(loss, collapse=True)")
    assert "about 68,000 nodes" in section and "68,138" not in section
