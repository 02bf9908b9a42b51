"""The backprop player without a browser: frames, the grads they show, and the page's text."""

from __future__ import annotations

import math
import re

import pytest
from viz_helpers import need, neuron, parse_svg

from autograd.viz import frames_folder, player_html, step_frames, write_player
from autograd.viz.frames import Frame


def test_frames_show_the_grads_as_they_are_at_each_step(tmp_path):
    need("dot")
    o, _ = neuron()
    frames = sorted(frames_folder(write_player(o, tmp_path / "p.html")).glob("*.svg"))
    first, last = parse_svg(frames[0].read_text()), parse_svg(frames[-1].read_text())
    grads_first = {t[0]: first.field_of(k, "grad") for k, t in first.records().items()}
    grads_last = {t[0]: last.field_of(k, "grad") for k, t in last.records().items()}
    assert grads_first["o"] == 1.0 and grads_first["x1"] == 0.0 and grads_first["n"] == 0.0
    assert grads_last["x1"] == -1.5 and grads_last["w1"] == 1.0 and grads_last["n"] == 0.5
    # The step's node is filled: in frame 1 that is o (the tanh step).
    assert any("#ff7043" in fill for fill in parse_svg(frames[1].read_text()).fills.values())
    # Marks are colours and xlabels (placed after layout): every frame has the same size.
    sizes = {re.search(r'viewBox="([^"]*)"', f.read_text()).group(1) for f in frames}
    assert len(sizes) == 1


def test_the_player_seeds_the_pass_with_grad(tmp_path):
    need("dot")
    o, v = neuron()
    frames = sorted(frames_folder(write_player(o, tmp_path / "p.html", grad=2.0)).glob("*.svg"))
    last = parse_svg(frames[-1].read_text())
    grads = {t[0]: last.field_of(k, "grad") for k, t in last.records().items()}
    assert grads["o"] == 2.0 and grads["x1"] == -3.0 and math.isclose(v["x1"].grad, -3.0)


def test_page_is_self_contained():
    frame = Frame(0, "step 0", "y.grad = 1.0 (seed)", '<?xml version="1.0"?>\n<svg>x</svg>')
    page = player_html([frame], "t </title>")
    assert "<?xml" not in page and "<svg>x</svg>" not in page  # inlined as escaped JSON
    assert "\\u003csvg>x\\u003c/svg>" in page and "t &lt;/title&gt;" in page
    for reference in ("http://", "https://", " src=", " href="):
        assert reference not in page.replace("http://www.w3.org", "")


def test_write_player_needs_an_html_path(tmp_path):
    with pytest.raises(ValueError, match=".html"):
        write_player(neuron()[0], tmp_path / "player.svg")



def test_frames_refuse_collapse_before_touching_any_grad():
    o, v = neuron()
    with pytest.raises(ValueError, match="collapse=True"):
        step_frames(o, collapse=True)
    assert o.grad == 0.0 and v["x1"].grad == 0.0
