"""A drawing as HTML that fits its box with no script: for places that run none (a widget).

The SVG is scaled to the box's width, never above its actual size and never so small that its
smallest text is under MIN_TEXT_PX; a box shorter than the drawing scrolls. With `follow`, the
step's node (class "step", see dot.py) carries a CSS scroll-snap point, so the browser scrolls
the box to it whenever the drawing is redrawn, and keeps it there.
"""

from __future__ import annotations

import html
import re

MIN_TEXT_PX = 9.0
"""No text of a fitted drawing is drawn smaller than this many CSS pixels."""

PX_PER_PT = 4 / 3  # Graphviz sizes SVGs in points; CSS has 96 px to 72 pt


def fitted_html(svg: str, *, max_height: int = 560, follow: bool = True) -> str:
    """`svg` (Graphviz's, checked) inside a box at most `max_height` px tall, fitted as above."""
    svg = svg[svg.find("<svg"):] if "<svg" in svg else svg
    box = re.search(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"', svg)
    if box is None:  # not Graphviz's: shown as it is
        return svg
    width, height = float(box.group(3)), float(box.group(4))
    fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', svg)] or [14.0]
    least = min(1.0, MIN_TEXT_PX / (min(fonts) * PX_PER_PT))  # the smallest scale allowed
    # Sized by CSS: the width and height attributes (points) would fix it at actual size.
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"',
                 '<svg style="display:block;width:100%;height:auto"', svg, count=1)
    marker = _marker(svg, width, height) if follow else ""
    snap = "scroll-snap-type:both mandatory;" if marker else ""
    return (f'<div class="stepgrad-view" style="overflow:auto;max-height:{max_height}px;{snap}">'
            f'<div style="position:relative;margin:0 auto;width:100%;'
            f'max-width:{width * PX_PER_PT:.0f}px;min-width:{width * PX_PER_PT * least:.0f}px">'
            f'{svg}{marker}</div></div>')


def _marker(svg: str, width: float, height: float) -> str:
    """An invisible box over the step's node, in % of the drawing, that the view snaps to."""
    found = re.search(r'<g id="[^"]*" class="node step">(.*?)</g>', svg, re.S)
    shift = re.search(r'translate\(([-\d.]+) ([-\d.]+)\)', svg)
    if found is None or shift is None:
        return ""
    dx, dy = float(shift.group(1)), float(shift.group(2))
    xs: list[float] = []
    ys: list[float] = []
    for points in re.findall(r'points="([^"]*)"', found.group(1)):
        for pair in points.split():
            x, y = pair.split(",")
            xs.append(float(x) + dx)
            ys.append(float(y) + dy)
    if not xs:
        return ""
    left, top = min(xs) / width * 100, min(ys) / height * 100
    wide, tall = (max(xs) - min(xs)) / width * 100, (max(ys) - min(ys)) / height * 100
    style = (f"position:absolute;left:{left:.2f}%;top:{top:.2f}%;width:{wide:.2f}%;"
             f"height:{tall:.2f}%;scroll-snap-align:center;pointer-events:none")
    return f'<div class="stepgrad-focus" style="{html.escape(style)}"></div>'
