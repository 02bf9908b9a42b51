"""use_renderer: SVG drawn by a function instead of the `dot` program (Graphviz-wasm in a page)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from viz_helpers import need, neuron

from autograd import Value
from autograd.viz import draw_dot, player, rendering, step_frames, to_dot, to_svg, use_renderer
from autograd.viz.safe import UnsafeSVGError

DOT = shutil.which("dot") or "dot"  # looked up before a test empties PATH


@pytest.fixture
def no_dot(monkeypatch):
    """As on a machine without Graphviz: `dot` is not on PATH; the renderer is reset after."""
    monkeypatch.setattr(rendering.shutil, "which", lambda name: None)
    yield
    use_renderer(None)


def real_dot(calls: list[str]):
    """A renderer that runs the real `dot` (found before PATH was emptied), counting its calls."""
    program = need(DOT)

    def render(source: str) -> str:
        calls.append(source)
        return subprocess.run([program, "-Tsvg"], input=source, capture_output=True, text=True,
                              check=True).stdout

    return render


def test_without_dot_and_without_a_renderer_drawing_says_how_to_install(no_dot):
    with pytest.raises(rendering.DotNotFoundError, match="install Graphviz"):
        to_svg(to_dot(Value(1.0)))


def test_a_renderer_draws_svg_text_displays_and_frames_in_this_thread(no_dot):
    calls: list[str] = []
    use_renderer(real_dot(calls))
    o = neuron()[0]
    assert "<svg" in to_svg(draw_dot(o)) and calls == [to_dot(o)]
    shown = draw_dot(o)._repr_mimebundle_(include=["image/svg+xml"])  # as Jupyter asks for it
    assert "<svg" in shown["image/svg+xml"]
    calls.clear()
    frames = step_frames(o)
    assert len(frames) == len(calls) == 6 and all("<svg" in f.svg for f in frames)
    shown = player(neuron()[0])
    assert all("<svg" in frame.svg for frame in shown.frames) and "srcdoc" in shown._repr_html_()


def test_what_a_renderer_draws_is_checked_like_dots_output(no_dot):
    use_renderer(lambda source: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    with pytest.raises(UnsafeSVGError, match="event handler"):
        to_svg(to_dot(Value(1.0)))
    with pytest.raises(UnsafeSVGError):
        draw_dot(Value(1.0)).pipe(format="svg", encoding="utf-8")


def test_other_formats_still_need_dot(no_dot, tmp_path):
    use_renderer(lambda source: "<svg/>")
    with pytest.raises(rendering.DotNotFoundError):
        rendering.render(to_dot(Value(1.0)), tmp_path / "g.png")


def test_a_renderer_must_be_a_function():
    with pytest.raises(TypeError, match="use_renderer: expected a function"):
        use_renderer("dot")
    assert rendering.svg_renderer() is None
