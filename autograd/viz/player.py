"""The backprop player: one HTML file that steps through a backward pass, frame by frame.

`write_player(root, "out/backprop.html")` writes the page (self-contained: the SVGs are inlined,
no server, no network) and, next to it, the frames as SVG files in `backprop_frames/`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

from autograd.core.text import printable
from autograd.core.value import Value
from autograd.viz.frames import (
    PLAYER_MAX_NODES,
    PLAYER_MAX_WORK,
    Frame,
    check_frames_folder,
    step_frames,
    write_frames,
)
from autograd.viz.player_html import SCRIPT, TEMPLATE
from autograd.viz.rendering import check_writable
from autograd.viz.safe import check_svg


def write_player(root: Value, path: str | Path, *, grad: float = 1.0, title: str = "",
                 delay_ms: int = 1200, timeout: float = 60.0,
                 max_nodes: int = PLAYER_MAX_NODES, max_work: int = PLAYER_MAX_WORK,
                 **draw_options: Any) -> Path:
    """Step through `root.backward(grad)`, write one SVG per step and the HTML player; return it.

    The page has previous / next / play buttons, arrow keys, and each step's chain-rule text
    beside the graph. NB: it runs a real backward pass, so afterwards the `.grad`s hold what
    `backward()` would have added (`root.zero_grad()` first to start from zero).
    `draw_options` go to `draw_dot` (e.g. `rankdir="TB"`, `edge_labels=True`). Every check
    (paths, sizes, `max_work`, options) comes before the pass; `timeout` is for all frames.
    """
    path = check_page_path(path, "write_player")
    check_page(title, delay_ms, "write_player")
    frames = step_frames(root, grad=grad, timeout=timeout, max_nodes=max_nodes,
                         max_work=max_work, **draw_options)
    write_frames(frames, frames_folder(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(player_html(frames, title or default_title(root), delay_ms), encoding="utf-8")
    return path


def check_page(title: object, delay_ms: object, who: str) -> None:
    """The page's own options, checked before the pass: a str title, a positive int delay."""
    if not isinstance(title, str):
        raise TypeError(f"{who}: title must be a str, got {type(title).__name__}")
    if not isinstance(delay_ms, int) or isinstance(delay_ms, bool) or delay_ms <= 0:
        raise ValueError(f"{who}: delay_ms must be a positive int (milliseconds per step), "
                         f"got {delay_ms!r}")


def default_title(root: Value) -> str:
    """The page's title when none is given: `backprop of <label>`."""
    return f"backprop of {root.label or 'the output'}"


def check_page_path(path: str | Path, who: str) -> Path:
    """The page's path: a `.html` (or `.htm`) file that can be written, beside a frames folder
    that can be. Checked before the pass (the CLI checks it before any output), so a bad path
    leaves no half-written output."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):  # `.html` alone is a name with no suffix
        raise ValueError(f"{who}: the page must be a .html file, not {str(path)!r}")
    check_writable(path, who)
    check_frames_folder(frames_folder(path), who)
    return path


def frames_folder(path: str | Path) -> Path:
    """Where `write_player(root, path)` puts the frames: `<name>_frames/` beside the page."""
    path = Path(path)
    return path.with_name(f"{path.stem}_frames")


def player_html(frames: list[Frame], title: str, delay_ms: int = 1200) -> str:
    """The self-contained player page for these frames (each SVG passes `check_svg` again)."""
    data = [{"heading": f.heading, "text": f.text, "svg": _inline(check_svg(f.svg))}
            for f in frames]
    # In a <script> element only "</" could end it early: JSON may write "<" as \\u003c instead.
    # ASCII only: a lone surrogate in a text is written \\ud800, not refused by the encoder.
    payload = json.dumps(data).replace("<", "\\u003c")
    script = SCRIPT.replace("__DELAY__", str(int(delay_ms)))
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    fills = {"TITLE": html.escape(printable(title)), "FRAMES": payload, "SCRIPT": script,
             "SCRIPT_HASH": f"sha256-{digest}"}
    # One pass, so a label that happens to read "__TITLE__" inside the frames stays as it is.
    return re.sub(r"__(TITLE|FRAMES|SCRIPT|SCRIPT_HASH)__", lambda m: fills[m.group(1)], TEMPLATE)


def _inline(svg: str) -> str:
    """The <svg> element itself: without the XML declaration and doctype, for use inside HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
