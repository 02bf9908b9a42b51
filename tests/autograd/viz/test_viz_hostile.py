"""Hostile labels: through draw_dot (every option), to_svg, write_player and a real Chromium.

A label is shown as text, literally (non-printable characters as Python escapes), whatever it
looks like: Graphviz HTML, record syntax, DOT escapes, `</script>`, quotes, NUL, lone surrogates.
No SVG that could run script ever leaves the package, and the player's policy runs only its own.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from viz_helpers import SVG, need, parse_svg

from autograd import Value
from autograd.core.text import printable
from autograd.introspect.stepper import backward_steps
from autograd.viz import draw_dot, frames_folder, render, to_svg, write_player
from autograd.viz.safe import UnsafeSVGError, check_svg

PWN = "window.__pwned=1"
HOSTILE = [
    f'<<a href="javascript:{PWN}">click</a>>',
    f'<<table><tr><td href="javascript:{PWN}">x</td></tr></table>>',
    f'<img src=x onerror="{PWN}">',
    f"</script><script>{PWN}</script>",
    "</title><svg onload=alert(1)>",
    'say "hi"',
    "it's",
    "back\\slash\\",
    '\\"',
    "\\N \\G \\l \\n",
    "{a|b} <port> |",
    "line\nbreak",
    "nul\x00byte",
    "lone \ud800 surrogate",
    "]; x [URL=\"javascript:alert(1)\"]; y [label=\"",
    "__TITLE__ __FRAMES__",
]


def hostile_graph() -> tuple[Value, list[Value]]:
    """One leaf per hostile label, each times a constant, summed: small, every label drawn."""
    leaves = [Value(float(k + 1), label) for k, label in enumerate(HOSTILE)]
    out = leaves[0] * 2.0
    for leaf in leaves[1:]:
        out = out + leaf * 2.0
    return out, leaves


def own_group(node: Value) -> str | None:
    return node.label or None


def svg_texts(svg: str) -> list[str]:
    """Every text element of the drawing, nodes and cluster titles alike."""
    return [(t.text or "").strip() for t in ET.fromstring(svg).iter(f"{SVG}text")]


def assert_no_markup(svg: str) -> None:
    tree = ET.fromstring(svg)
    tags = {element.tag.rsplit("}", 1)[-1] for element in tree.iter()}
    assert not tags & {"a", "script", "foreignObject", "img", "table"}, tags
    for element in tree.iter():
        assert not any(name.rsplit("}", 1)[-1].lower().startswith("on")
                       for name in element.attrib)


def options(root: Value, leaves: list[Value]) -> dict[str, dict]:
    step = list(backward_steps(root))[3]
    return {
        "plain": {}, "clusters=fn": {"clusters": own_group}, "clusters=1": {"clusters": 1},
        "highlight": {"highlight": leaves}, "step": {"step": step},
        "edge_labels": {"edge_labels": True}, "collapse": {"collapse": True},
        "collapse+clusters": {"collapse": True, "clusters": own_group},
        "max_depth": {"max_depth": 3}, "all": {"clusters": own_group, "highlight": leaves,
                                              "step": step, "edge_labels": True,
                                              "max_depth": 40},
    }


@pytest.mark.parametrize("option", ["plain", "clusters=fn", "clusters=1", "highlight", "step",
                                    "edge_labels", "collapse", "collapse+clusters", "max_depth",
                                    "all"])
def test_every_option_draws_hostile_labels_as_literal_text(option):
    need("dot")
    root, leaves = hostile_graph()
    chosen = options(root, leaves)[option]
    svg = to_svg(draw_dot(root, **chosen))  # real dot: it parses, and check_svg passed
    assert_no_markup(svg)
    texts = svg_texts(svg)
    reached = leaves[-2:] if option == "max_depth" else leaves  # the rest is cut off
    for leaf in reached:
        assert printable(leaf.label) in texts, (leaf.label, texts)
    if option == "clusters=fn":  # every label is also a group's title
        cluster_titles = [
            (g.findtext(f"{SVG}text") or "").strip()
            for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "cluster"]
        assert sorted(cluster_titles) == sorted(printable(label) for label in HOSTILE)


def test_a_group_box_shows_its_hostile_name_and_count():
    need("dot")
    nodes = [Value(1.0, label) for label in HOSTILE]
    root = nodes[0] + nodes[1]
    root.label = HOSTILE[0]
    svg = to_svg(draw_dot(root, collapse=True, clusters=lambda v: "\\N " + HOSTILE[1]))
    assert [t for t in svg_texts(svg) if t] == ["\\N " + HOSTILE[1], "3 nodes"]


def test_hostile_labels_render_to_files(tmp_path):
    need("dot")
    root, _ = hostile_graph()
    path = render(draw_dot(root, clusters=own_group), tmp_path / "h.svg")
    assert printable(HOSTILE[-4]) in svg_texts(path.read_text(encoding="utf-8"))
    graph = draw_dot(root, clusters=own_group)
    written = graph.render(tmp_path / "g", format="svg")  # graphviz's own render, checked too
    assert_no_markup(Path(written).read_text(encoding="utf-8"))


DANGEROUS_DOT = [
    'digraph { a [URL="javascript:window.__pwned=1"] }',
    'digraph { a [href=" JaVaScRiPt:alert(1)"] }',
    'digraph { a [label=<<table><tr><td href="java&#x09;script:1">x</td></tr></table>>] }',
    'digraph { a [URL="data:text/html,<script>1</script>"] }',
]


@pytest.mark.parametrize("source", DANGEROUS_DOT, ids=range(len(DANGEROUS_DOT)))
def test_svg_that_could_run_script_is_refused_whatever_made_it(source, tmp_path):
    need("dot")
    with pytest.raises(UnsafeSVGError, match="refused SVG"):
        to_svg(source)
    with pytest.raises(UnsafeSVGError):
        render(source, tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()


def test_a_digraphs_own_pipe_and_render_are_checked_too(tmp_path):
    need("dot")
    from autograd.viz.rendering import digraph_class

    graph = digraph_class()(format="svg")
    graph.node("a", URL="javascript:window.__pwned=1")
    with pytest.raises(UnsafeSVGError):
        graph._repr_image_svg_xml()  # what Jupyter calls to show it
    with pytest.raises(UnsafeSVGError):
        graph.pipe(format="svg")
    with pytest.raises(UnsafeSVGError):
        graph.render(tmp_path / "g")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]  # the DOT source only


UNSAFE_NODE = {"URL": "javascript:window.__pwned=1"}


def carried_svg(data: bytes) -> str:
    """The SVG text inside a file or pipe output of any SVG format: gzipped or not."""
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


@pytest.mark.parametrize("fmt", ["svgz", "svg"])
def test_every_format_that_carries_svg_is_checked_on_every_path(fmt, tmp_path):
    # A drawing written as .svgz skipped the check: each path out of the package that can
    # write an SVG format (render(), a Digraph's file or pipe, whatever names the format) runs
    # check_svg on the SVG it carries, gunzipped first; an unsafe file is not left behind.
    need("dot")
    from autograd.viz.rendering import digraph_class

    for given in (fmt, f"{fmt}:svg:core"):
        with pytest.raises(UnsafeSVGError):
            render(DANGEROUS_DOT[0], tmp_path / f"x.{fmt}", format=given)
    graph = digraph_class()(format="png")
    graph.node("a", **UNSAFE_NODE)
    with pytest.raises(UnsafeSVGError):
        graph.pipe(format=fmt)
    with pytest.raises(UnsafeSVGError):
        graph.render(tmp_path / "by_format", format=fmt)
    with pytest.raises(UnsafeSVGError):  # graphviz reads the format from outfile's suffix
        graph.render(outfile=tmp_path / f"by_suffix.{fmt}")
    graph.format = fmt
    with pytest.raises(UnsafeSVGError):
        graph.render(tmp_path / "by_attribute")
    with pytest.raises(UnsafeSVGError):
        graph.pipe()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["by_attribute", "by_format",
                                                          "by_suffix.gv"]  # DOT sources only
    root, _ = hostile_graph()  # a safe drawing in the same format is written, as the SVG it is
    for path in (render(draw_dot(root), tmp_path / f"ok.{fmt}"),
                 Path(draw_dot(root).render(tmp_path / "ok", format=fmt))):
        assert_no_markup(check_svg(carried_svg(path.read_bytes())))


@pytest.mark.parametrize("fmt", ["svg:cairo", "svgz:svg:core"])
def test_every_svg_format_and_renderer_passes_the_check(fmt, tmp_path, monkeypatch):
    need("dot")
    from autograd.viz import rendering

    checked: list[str] = []
    monkeypatch.setattr(rendering, "check_svg", lambda svg: checked.append(svg) or svg)
    path = render(draw_dot(Value(2.0, "x") * 3.0), tmp_path / "x.svg", format=fmt)
    assert checked == [carried_svg(path.read_bytes())] and "<svg" in checked[0]


def subprocess_formats() -> set[str]:
    """The output formats this Graphviz offers (`dot -T?` lists them)."""
    import re
    import subprocess

    listed = subprocess.run([need("dot"), "-T?"], capture_output=True, text=True).stderr
    return {name.split(":")[0] for name in re.findall(r"\S+", listed.split("one of:")[1])}


def test_the_svg_formats_checked_are_every_svg_format_graphviz_offers():
    from autograd.viz.rendering import SVG_FORMATS

    offered = subprocess_formats()
    assert {"svg", "svgz"} <= offered
    assert {name for name in offered if "svg" in name} <= set(SVG_FORMATS)
    assert "svg_inline" in SVG_FORMATS  # Graphviz 10's SVG without the XML prologue


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    '<svg xmlns="http://www.w3.org/2000/svg"><g ONclick="x"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
    '<a x:href="&#106;avascript:1"/></svg>',
    "<svg", "not svg at all",
])
def test_check_svg_refuses_handlers_scripts_and_script_links(svg):
    with pytest.raises(UnsafeSVGError):
        check_svg(svg)


def test_check_svg_keeps_text_that_merely_mentions_javascript():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>javascript:alert(1) onload=</text></svg>'
    assert check_svg(svg) == svg
    assert check_svg('<svg xmlns="http://www.w3.org/2000/svg"><a href="https://x.org"/></svg>')


class Watched:
    """A page opened with a trap: any script of ours sets window.__pwned, any dialog is kept."""

    def __init__(self, browser, url: str) -> None:
        self.dialogs: list[str] = []
        self.page = browser.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)

    def assert_nothing_ran(self) -> None:
        assert self.page.evaluate("() => window.__pwned") is None
        assert self.dialogs == []


def test_hostile_player_shows_text_and_runs_no_script_in_chromium(browser, tmp_path):
    root, leaves = hostile_graph()
    expected = [(s.heading, str(s)) for s in backward_steps(hostile_graph()[0])]
    page_path = write_player(root, tmp_path / "h.html", title=HOSTILE[3] + HOSTILE[-1],
                             clusters=own_group, highlight=leaves[:3], edge_labels=True)
    view = Watched(browser, page_path.resolve().as_uri())
    page = view.page
    assert page.title() == printable(HOSTILE[3] + HOSTILE[-1])
    for k in (0, 1, len(expected) - 1):
        page.keyboard.press("Home")
        for _ in range(k):
            page.keyboard.press("ArrowRight")
        assert (page.text_content("#heading"), page.text_content("#text")) == expected[k]
        shown = page.evaluate("() => Array.from(document.querySelectorAll('#graph text'))"
                              ".map(t => t.textContent.trim())")
        for label in HOSTILE:
            assert printable(label) in shown
        assert page.query_selector("#graph a, #graph script, #graph foreignObject") is None
        page.evaluate("() => document.querySelectorAll('#graph text')"  # click every text
                      ".forEach(t => t.dispatchEvent(new MouseEvent('click', {bubbles: true})))")
        view.assert_nothing_ran()
    assert page.evaluate("() => document.scripts.length") == 2  # the data and the player
    # The frames on disk, opened by themselves, run nothing either.
    for frame in sorted(frames_folder(page_path).glob("step-*.svg"))[:2]:
        Watched(browser, frame.resolve().as_uri()).assert_nothing_ran()


def test_the_players_policy_blocks_script_links_and_handlers_yet_the_player_works(browser,
                                                                                 tmp_path):
    root = Value(2.0, HOSTILE[0]) * 3.0
    page_path = write_player(root, tmp_path / "p.html")
    # Plant what check_svg would refuse straight into the page: only the policy stands between.
    planted = (f'<a id="trap" href="javascript:{PWN}">trap</a>'
               f'<img src="x" onerror="{PWN}"><svg onload="{PWN}"></svg>'
               f'<script>{PWN}</script>')
    page_html = page_path.read_text(encoding="utf-8").replace("<main>", "<main>" + planted)
    page_path.write_text(page_html, encoding="utf-8")
    view = Watched(browser, page_path.resolve().as_uri())
    view.page.evaluate("() => { window.__blocked = []; document.addEventListener("
                       "'securitypolicyviolation', e => window.__blocked.push(e.blockedURI)); }")
    view.page.click("#trap")
    # The click's script is refused by the policy (not merely not run yet): wait for that.
    view.page.wait_for_function("() => window.__blocked.includes('inline')")
    view.assert_nothing_ran()
    view.page.keyboard.press("ArrowRight")  # its own script still runs
    assert view.page.get_attribute("body", "data-step") == "1"


def test_frames_and_page_survive_a_lone_surrogate_and_nul_in_every_text(tmp_path):
    need("dot")
    a = Value(2.0, "a\ud800\x00")
    out = a * a
    out.label = "\udfff"
    page = write_player(out, tmp_path / "s.html").read_text(encoding="utf-8")
    assert "\\\\ud800\\\\x00" in page  # shown as the escape, in the frames' JSON
    drawn = parse_svg(sorted(frames_folder(tmp_path / "s.html").glob("*.svg"))[0].read_text())
    assert ["a\\ud800\\x00"] in [t[:1] for t in drawn.records().values()]


def test_a_processing_instruction_in_svg_is_refused():
    from autograd.viz.safe import UnsafeSVGError, check_svg

    svg = ('<?xml version="1.0"?><?xml-stylesheet href="javascript:alert(1)"?>'
           '<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    with pytest.raises(UnsafeSVGError, match="processing instruction <\\?xml-stylesheet"):
        check_svg(svg)
    clean = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'
    assert check_svg(clean) == clean
