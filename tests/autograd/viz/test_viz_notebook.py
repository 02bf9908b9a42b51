"""The player inside a notebook cell: the player page in an iframe's srcdoc, and it plays there."""

from __future__ import annotations

import html
import math
import re

import pytest
from viz_helpers import need, neuron

from autograd.introspect.stepper import backward_steps
from autograd.viz import Player, player, player_html, write_player


def srcdoc(markup: str) -> str:
    """The page inside the iframe, as the browser reads the attribute."""
    return html.unescape(re.search(r'srcdoc="([^"]*)"', markup).group(1))


def test_the_iframe_holds_the_same_page_write_player_writes(tmp_path):
    need("dot")
    o, v = neuron()
    shown = player(o, title="the neuron", height=400)
    assert isinstance(shown, Player) and len(shown.frames) == 6
    markup = shown._repr_html_()
    assert srcdoc(markup) == shown.html == player_html(shown.frames, "the neuron")
    o.zero_grad()
    assert shown.html == write_player(o, tmp_path / "p.html", title="the neuron").read_text()
    assert 'sandbox="allow-scripts"' in markup and "height:400px" in markup
    assert repr(shown) == "<Player: 6 steps, 'the neuron'>"
    # No server, no network, no file: nothing in the cell points anywhere.
    for reference in ("http://", "https://", " src=", " href="):
        assert reference not in srcdoc(markup).replace("http://www.w3.org", "")
    # A real backward pass (as write_player): the grads are backward()'s.
    assert math.isclose(v["x1"].grad, -1.5) and math.isclose(v["w1"].grad, 1.0)


def test_the_default_title_is_write_players():
    need("dot")
    o, _ = neuron()
    assert player(o).title == "backprop of o"


def test_a_label_cannot_end_the_attribute():
    need("dot")
    o, v = neuron()
    o.label = v["x1"].label = 'x" onload="alert(1)'
    markup = player(o)._repr_html_()
    assert markup.count('"') == 10  # only the attributes' own quotes: 5 attributes
    assert 'title="backprop of x&quot; onload=&quot;alert(1)"' in markup
    assert '<title>backprop of x&quot; onload=&quot;alert(1)</title>' in srcdoc(markup)


@pytest.mark.parametrize("limit", [{"max_nodes": 3}, {"max_work": 10}])
def test_a_graph_too_big_is_refused_before_the_pass(limit):
    o, v = neuron()
    with pytest.raises(ValueError, match=next(iter(limit))):  # write_player's own checks
        player(o, **limit)
    assert all(node.grad == 0.0 for node in v.values())


@pytest.mark.parametrize("height", [0, -5, 2.5, True, "400"])
def test_a_bad_height_is_refused_before_the_pass(height):
    o, v = neuron()
    with pytest.raises(ValueError, match="player: height must be a positive int"):
        player(o, height=height)
    assert all(node.grad == 0.0 for node in v.values())


def test_the_player_steps_inside_its_iframe(browser, tmp_path):
    need("dot")
    o, _ = neuron()
    expected = [(s.heading, str(s)) for s in backward_steps(neuron()[0])]
    page_path = tmp_path / "cell.html"
    page_path.write_text(f"<!doctype html><html><body>{player(o)._repr_html_()}</body></html>")
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.resolve().as_uri())
    inside = page.frame_locator("iframe.stepgrad-player")
    assert inside.locator("#heading").text_content() == expected[0][0]
    for heading, text in expected[1:3]:
        inside.locator("#next").click()
        assert (inside.locator("#heading").text_content(),
                inside.locator("#text").text_content()) == (heading, text)
    assert inside.locator("#graph svg").is_visible()
    assert errors == []
    page.close()
