"""The browser pages' Python side (the Tutor, the Playground, the Console), run in Pyodide.

The pages load this package and the stepgrad wheel into Pyodide and call it with JSON. Each
module is plain Python over stepgrad's public API, so the test suite also runs it in CPython.
"""

from __future__ import annotations


def use_page_graphviz() -> None:
    """Draw SVG with the page's Graphviz (WebAssembly): `draw_dot`, `player` work without `dot`."""
    from js import stepgradRenderDot  # set by boot.js before this is called

    from autograd.viz import use_renderer

    use_renderer(lambda source: str(stepgradRenderDot(source)))
