"""Drawings a learner can read where they are shown, measured in headless Chromium: at every
step, every text of the SVG is at least 9 px tall as rendered, and the step's node lies inside
the visible part of its box (the player scrolls it there; the widget's box snaps to it).

The README's neuron is checked in the full player page, in an inline player (a notebook's
iframe) and in the widget's HTML; a chain too long for any box checks the scrolling. The same
measures run on the notebooks (test_notebooks_html.py) and in JupyterLab (test_notebooks_lab.py).
"""

from __future__ import annotations

import html

import pytest
from settling import settled
from viz_helpers import need, neuron

from autograd import Value, backward_steps
from autograd.viz import draw_dot, player, to_svg, write_player
from autograd.viz.fitted import fitted_html

MIN_TEXT = 9.0

# For the SVG in `root` (a document or element), inside the scrolling box `box`: the smallest
# rendered text height, and whether the step's node is wholly inside the box's visible part.
MEASURE = """([root, box]) => {
  const svg = root.querySelector("svg");
  const texts = Array.from(svg.querySelectorAll("text"), t => t.getBoundingClientRect().height)
                     .filter(h => h > 0);
  const view = box.getBoundingClientRect();
  const seen = {left: view.left + box.clientLeft, top: view.top + box.clientTop};
  seen.right = seen.left + box.clientWidth; seen.bottom = seen.top + box.clientHeight;
  const step = svg.querySelector("g.node.step");
  let inside = null;
  if (step) {
    const r = step.getBoundingClientRect();
    inside = r.left >= seen.left - 0.5 && r.right <= seen.right + 0.5 &&
             r.top >= seen.top - 0.5 && r.bottom <= seen.bottom + 0.5;
  }
  const overflows = box.scrollHeight > box.clientHeight + 1 ||
                    box.scrollWidth > box.clientWidth + 1;
  return {smallest: Math.min(...texts), count: texts.length, inside: inside, overflows: overflows,
          window: [window.innerWidth, window.innerHeight],
          box: [seen.left, seen.top, seen.right, seen.bottom]};
}"""


def readme_neuron() -> Value:
    o, _ = neuron()
    return o


def chain(n: int = 8) -> Value:
    """A graph far longer than any box: tanh applied n times, then a sum with the input."""
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = (y * 1.1).tanh()
    out = y + x
    out.label = "out"
    return out


def check_player_page(page, steps: int) -> bool:
    """Every step of the player in `page` (a page or an iframe's frame), by its next button;
    whether the drawing was bigger than its box (so that following the step meant scrolling)."""
    overflowed = False
    # Measured once the page is laid out and its load handler has placed the drawing.
    page.wait_for_function("() => document.readyState === 'complete'")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    for k in range(steps):
        found = page.evaluate(f"() => ({MEASURE})([document, document.getElementById('graph')])")
        assert found["count"] > 0
        assert found["smallest"] >= MIN_TEXT, (k, found)
        assert found["inside"] is True, (k, found)
        overflowed |= found["overflows"]
        if k < steps - 1:
            page.click("#next")
    return overflowed


@pytest.mark.parametrize("make", [readme_neuron, chain], ids=["neuron", "chain"])
@pytest.mark.parametrize("viewport", [(1400, 900), (900, 600)], ids=["wide", "narrow"])
def test_the_player_page_is_legible_and_follows_the_step(browser, tmp_path, make, viewport):
    need("dot")
    root = make()
    steps = len(list(backward_steps(make())))
    path = write_player(root, tmp_path / "p.html")
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    try:
        page.goto(path.resolve().as_uri())
        overflowed = check_player_page(page, steps)
        assert overflowed or make is not chain  # the chain is bigger than any box: it scrolls
        # Actual size and zooming in keep the step in view; text only grows.
        page.keyboard.press("Home")
        page.keyboard.press("z")
        page.keyboard.press("+")
        assert float(page.get_attribute("body", "data-scale")) == pytest.approx(1.25)
        check_player_page(page, steps)
    finally:
        page.close()


@pytest.mark.parametrize("make", [readme_neuron, chain], ids=["neuron", "chain"])
def test_the_inline_player_is_sized_to_its_content_and_legible(browser, make):
    need("dot")
    root = make()
    steps = len(list(backward_steps(make())))
    shown = player(root)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:  # as a notebook shows it: in an output about 968 px wide
        page.set_content(f'<div style="width:968px">{shown._repr_html_()}</div>')
        frame = page.frame_locator("iframe.stepgrad-player")
        frame.locator("#graph svg").wait_for()
        inner = page.frames[1]
        assert check_player_page(inner, steps) or make is not chain
        # The frame is no taller than its content needs: the page below the graph is not blank.
        graph = inner.evaluate("() => { const g = document.getElementById('graph');"
                               " return [g.clientHeight, g.querySelector('svg')"
                               ".getBoundingClientRect().height]; }")
        assert graph[1] >= 0.75 * graph[0] or graph[0] >= shown.height * 0.6, (graph,
                                                                               shown.height)
    finally:
        page.close()


@pytest.mark.parametrize("make", [readme_neuron, chain], ids=["neuron", "chain"])
def test_the_widget_drawing_is_legible_and_snapped_to_the_step(browser, make):
    """The widget's HTML, set as ipywidgets sets it (innerHTML), step after step."""
    need("dot")
    root = make()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    overflowed = False
    try:
        page.set_content('<div id="cell" style="width:968px"><div id="out"></div></div>')
        for step in backward_steps(root):
            markup = fitted_html(to_svg(draw_dot(root, step=step)))
            page.evaluate("(h) => { document.getElementById('out').innerHTML = h; }", markup)
            measure = (f"() => ({MEASURE})([document.getElementById('out'), "
                       f"document.querySelector('.stepgrad-view')])")
            settled(page, f"() => ({measure})().inside === true")  # snapped on layout
            found = page.evaluate(measure)
            assert found["smallest"] >= MIN_TEXT, (step.heading, found)
            assert found["inside"] is True, (step.heading, found)
            overflowed |= found["overflows"]
            width = page.evaluate("() => document.querySelector('.stepgrad-view')"
                                  ".getBoundingClientRect().width")
            assert width <= 968.5  # never wider than the cell: no sideways page scroll
        assert overflowed or make is not chain
    finally:
        page.close()


def test_fitted_html_keeps_labels_as_text():
    a = Value(1.0, '<b onclick="x">a</b>')
    shown = fitted_html(to_svg(draw_dot(a * 2.0)))
    assert "<b onclick" not in shown and html.escape("<b onclick") in shown.replace("&#34;", "")


def test_the_readme_neuron_is_legible_at_readme_width(browser, tmp_path):
    """docs/neuron.svg as a README shows it: an image at most 830 px wide (GitHub's column)."""
    import re
    from pathlib import Path

    svg_path = Path(__file__).resolve().parents[3] / "docs" / "neuron.svg"
    svg = svg_path.read_text()
    natural = float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', svg).group(1)) * 4 / 3
    smallest = min(float(f) for f in re.findall(r'font-size="([\d.]+)"', svg)) * 4 / 3
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        readme = tmp_path / "readme.html"  # a file page: it may show a file's image
        readme.write_text(f'<article style="width:830px"><img style="max-width:100%" '
                          f'src="{svg_path.as_uri()}"></article>')
        page.goto(readme.as_uri())
        page.wait_for_function("() => document.querySelector('img').naturalWidth > 0")
        shown = page.evaluate("() => document.querySelector('img').getBoundingClientRect().width")
    finally:
        page.close()
    assert 0 < shown <= 830
    assert smallest * shown / natural >= MIN_TEXT  # the smallest text's size as displayed
