"""The backprop player in a real headless Chromium: controls, keys, texts, and no network.

Browser-free player tests are in test_viz_frames.py: they run without playwright.
"""

from __future__ import annotations

import math

from viz_helpers import neuron, parse_svg

from autograd import Value
from autograd.introspect.stepper import backward_steps
from autograd.viz import frames_folder, write_player

NODES_JS = """() => Array.from(document.querySelectorAll('#graph g.node')).map(
    g => [g.querySelector('title').textContent,
          Array.from(g.querySelectorAll('text')).map(t => t.textContent.trim())])"""


def expected_steps(make):
    """(heading, str(step)) of every step, from the stepper itself on a fresh copy of the graph."""
    root = make()
    return [(s.heading, str(s)) for s in backward_steps(root)]


class Page:
    """A loaded player page, with what it logged and fetched."""

    def __init__(self, browser, url):
        self.errors, self.requests = [], []
        self.page = browser.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url)

    def step(self) -> int:
        return int(self.page.get_attribute("body", "data-step"))

    def text(self) -> str:
        return self.page.text_content("#text")

    def heading(self) -> str:
        return self.page.text_content("#heading")


def test_player_controls_keys_and_texts_match_the_steps(browser, tmp_path):
    expected = expected_steps(lambda: neuron()[0])
    o, v = neuron()
    page_path = write_player(o, tmp_path / "neuron.html", delay_ms=30)
    frames = sorted(frames_folder(page_path).glob("step-*.svg"))
    assert len(frames) == len(expected) == 6

    view = Page(browser, page_path.resolve().as_uri())
    page = view.page
    assert view.step() == 0 and (view.heading(), view.text()) == expected[0]
    assert page.is_disabled("#prev") and page.is_enabled("#next")

    # Every frame: the shown text is str(step), and the shown graph is that step's SVG file.
    for k in range(len(expected)):
        assert view.step() == k
        assert (view.heading(), view.text()) == expected[k]
        shown = {title: texts for title, texts in page.evaluate(NODES_JS)}
        assert shown == parse_svg(frames[k].read_text()).texts
        if k < len(expected) - 1:
            page.keyboard.press("ArrowRight")
    assert page.is_disabled("#next")
    page.keyboard.press("ArrowRight")  # stays on the last step
    assert view.step() == len(expected) - 1

    page.keyboard.press("ArrowLeft")
    assert view.step() == 4 and view.text() == expected[4][1]
    page.click("#prev")
    page.click("#prev")
    assert view.step() == 2 and view.text() == expected[2][1]
    page.click("#next")
    assert view.step() == 3
    page.keyboard.press("Home")
    assert view.step() == 0
    page.keyboard.press("End")
    assert view.step() == 5
    page.click("#first")
    assert view.step() == 0

    page.click("#play")  # plays to the end, then stops by itself
    page.wait_for_function("() => document.body.dataset.playing === 'false' "
                           "&& document.body.dataset.step === '5'", timeout=30_000)
    assert view.text() == expected[-1][1]

    page.click("#zoom")  # actual size, then back to fitting the window
    assert page.get_attribute("#graph", "class") == "actual"
    page.keyboard.press("z")
    assert page.get_attribute("#graph", "class") == ""

    assert view.errors == []
    assert all(url.startswith("file://") for url in view.requests), view.requests
    # write_player ran a real backward pass: the grads are backward()'s.
    assert math.isclose(v["x1"].grad, -1.5) and math.isclose(v["w1"].grad, 1.0)


def test_labels_that_look_like_html_are_shown_as_text(browser, tmp_path):
    def make():
        a = Value(2.0, "</script><b>a</b>")
        b = Value(3.0, 'b & "c"')
        out = a * b - a
        out.label = "y"
        return out

    expected = expected_steps(make)
    view = Page(browser, write_player(make(), tmp_path / "odd.html").resolve().as_uri())
    for k, (heading, text) in enumerate(expected):
        assert (view.step(), view.heading(), view.text()) == (k, heading, text)
        view.page.keyboard.press("ArrowRight")
    assert view.page.query_selector("#text b") is None
    assert view.errors == []
