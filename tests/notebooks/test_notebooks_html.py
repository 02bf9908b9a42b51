"""An executed notebook exported to HTML (nbconvert) and opened in headless Chromium: the graphs
are there and visible, and the inline player steps when its "next" button is clicked."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from needs import need_module
from notebook_helpers import NAMES

from autograd import Value, backward_steps

SVG = "{http://www.w3.org/2000/svg}"


def exported(executed, name: str, tmp_path) -> str:
    """The executed notebook as one HTML file (nbconvert's lab template); its file:// URL."""
    exporter = need_module("nbconvert").HTMLExporter()
    body, _ = exporter.from_notebook_node(executed(name))
    path = tmp_path / name.replace(".ipynb", ".html")
    path.write_text(body, encoding="utf-8")
    return path.resolve().as_uri()


def open_offline(browser, url: str, width: int = 1280):
    """A page whose every network request is refused (the template links a CDN's MathJax)."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.errors, page.player_requests = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.route("http*://**", lambda route: route.abort())

    def seen(request):
        if request.frame != page.main_frame:
            page.player_requests.append(request.url)

    page.on("request", seen)
    page.goto(url)
    return page


def graphs(page) -> list[dict]:
    """Every SVG output on the page (nbconvert embeds each as an <img> of a data: URL):
    is it visible, its width as drawn, the texts of the SVG inside, the smallest text's height
    as displayed (px), and whether the step's node (if any) and the whole picture lie inside
    the output area's visible width (no sideways scrolling to find them)."""
    found = []
    for image in page.locator('.jp-RenderedSVG img[src^="data:image/svg+xml;base64,"]').all():
        svg = base64.b64decode(image.get_attribute("src").split(",", 1)[1]).decode()
        drawn = image.evaluate("img => img.complete ? img.naturalWidth : 0")  # 0: not decoded
        box = image.bounding_box()
        width = min(drawn, box["width"])
        tree = ET.fromstring(svg)
        natural = float(tree.get("viewBox").split()[2])  # points
        scale = box["width"] / (natural * 4 / 3)  # displayed px per px at actual size
        fonts = [float(t.get("font-size")) for t in tree.iter(f"{SVG}text")]
        area = image.evaluate("img => { const o = img.closest('.jp-OutputArea-output');"
                              " const r = o.getBoundingClientRect();"
                              " return [r.left, r.left + o.clientWidth]; }")
        step = [g for g in tree.iter(f"{SVG}g") if "step" in (g.get("class") or "").split()]
        step_inside = None
        if step:
            shift = [float(v) for v in tree.find(f"{SVG}g").get("transform")
                     .split("translate(")[1].rstrip(")").split()]
            xs = [float(p.split(",")[0]) + shift[0]
                  for shape in step[0].iter(f"{SVG}polygon") for p in shape.get("points").split()]
            left = box["x"] + min(xs) * 4 / 3 * scale
            right = box["x"] + max(xs) * 4 / 3 * scale
            step_inside = area[0] - 0.5 <= left and right <= area[1] + 0.5
        found.append({"visible": image.is_visible(), "width": width,
                      "texts": {t.text for t in tree.iter(f"{SVG}text")},
                      "smallest": min(fonts) * 4 / 3 * scale,
                      "fits": area[0] - 0.5 <= box["x"] <= box["x"] + box["width"] <= area[1] + 0.5,
                      "step_inside": step_inside})
    return found


@pytest.mark.parametrize(("name", "count", "labels"), [
    (NAMES[0], 1, {"x1", "w1", "x2", "w2", "b", "n", "o"}),
    (NAMES[1], 2, {"x", "w", "b", "n", "o"}),
])
def test_the_graphs_are_drawn_and_visible(executed, browser, tmp_path, name, count, labels):
    # A window whose output area is about as wide as JupyterLab's at 1400 px (968 px).
    page = open_offline(browser, exported(executed, name, tmp_path), width=1100)
    drawn = graphs(page)
    assert len(drawn) == count
    assert all(g["visible"] and g["width"] > 100 for g in drawn)
    assert labels <= drawn[0]["texts"]
    # Legible where shown: no text under 9 px, nothing past the output's right edge, and the
    # node a step highlights (notebook 2's paused graph) in view.
    assert all(g["smallest"] >= 9 and g["fits"] for g in drawn), drawn
    assert [g["step_inside"] for g in drawn if g["step_inside"] is not None] == \
        ([True] if name == NAMES[1] else [])
    page.close()


def test_the_widget_says_what_it_is_in_an_export(executed, browser, tmp_path):
    page = open_offline(browser, exported(executed, NAMES[1], tmp_path))
    assert page.get_by_text("live widget: run this notebook in Jupyter").is_visible()
    page.close()


def test_the_inline_player_steps_forward_when_next_is_clicked(executed, browser, tmp_path):
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    steps = [(s.heading, str(s)) for s in backward_steps(o)]

    page = open_offline(browser, exported(executed, NAMES[1], tmp_path))
    frame = page.locator("iframe.stepgrad-player")
    assert frame.count() == 1
    frame.scroll_into_view_if_needed()  # Chromium does not render an off-screen iframe
    player = page.frame_locator("iframe.stepgrad-player")
    assert player.locator("#graph svg").is_visible()
    for k, (heading, text) in enumerate(steps):
        assert (player.locator("#heading").text_content(),
                player.locator("#text").text_content()) == (heading, text)
        assert player.locator("#counter").text_content() == f"step {k} / {len(steps) - 1}"
        if k < len(steps) - 1:
            player.locator("#next").click()
    assert player.locator("#next").is_disabled()
    player.locator("#prev").click()
    assert player.locator("#text").text_content() == steps[-2][1]
    assert page.errors == [] and page.player_requests == []
    page.close()
