"""The backprop player inside a notebook cell: the same self-contained page, in an iframe.

`player(root)` returns an object whose notebook display is the player page as an `<iframe
srcdoc=...>`: no server, no network and no file, so it also survives export to HTML.
`write_player` is the same page written to a file.
"""

from __future__ import annotations

import html
import re
from typing import Any

from autograd.core.value import Value
from autograd.viz.frames import PLAYER_MAX_NODES, PLAYER_MAX_WORK, Frame, step_frames
from autograd.viz.player import check_page, default_title, player_html


class Player:
    """A stepped-through backward pass, shown by Jupyter as the player page in an iframe.

    `.frames` are the steps as drawn, `.html` the whole page (what `write_player` writes).
    """

    def __init__(self, frames: list[Frame], title: str, *, delay_ms: int = 1200,
                 height: int | None = None) -> None:
        if not frames:
            raise ValueError("Player: needs at least one frame")
        self.frames, self.title = frames, title
        self.height = inline_height(frames) if height is None else int(height)
        self.html = player_html(frames, title, delay_ms)

    def _repr_html_(self) -> str:
        # sandbox: the page may run its own script, and nothing else (no same-origin access).
        return (f'<iframe class="stepgrad-player" title="{html.escape(self.title)}" '
                f'sandbox="allow-scripts" srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ccc"></iframe>')

    def __repr__(self) -> str:
        return f"<Player: {len(self.frames)} steps, {self.title!r}>"


INLINE_WIDTH = 900
"""The width (px) an inline player is sized for: a notebook cell's output at 100%."""

INLINE_MOST = 720
"""The tallest an inline player is made (px): a bigger graph is fitted, then scrolled."""


def inline_height(frames: list[Frame]) -> int:
    """The iframe height (px) that shows the player's page without blank space or a cut graph.

    The drawing (the frames share one size) is fitted to the graph's box at INLINE_WIDTH beside
    the step's text, as the page does, but never below the page's smallest text scale (about
    half size); the page's header and the longest step text are counted in.
    """
    size = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', frames[0].svg)
    width, height = (float(size.group(1)) * 4 / 3, float(size.group(2)) * 4 / 3) if size else \
        (600.0, 400.0)
    graph = height * max(min(1.0, (INLINE_WIDTH - 420) / width), 0.5)
    lines = max(frame.text.count("\n") + 1 + len(frame.text) // 48 for frame in frames)
    aside = 40 + 17 * lines + 30 + 40  # heading, the step's text, its padding, the keys' help
    header, padding = 84, 28
    return int(min(INLINE_MOST, max(200, header + padding + max(graph, aside))))


def player(root: Value, *, grad: float = 1.0, title: str = "", delay_ms: int = 1200,
           height: int | None = None, timeout: float = 60.0, max_nodes: int = PLAYER_MAX_NODES,
           max_work: int = PLAYER_MAX_WORK, **draw_options: Any) -> Player:
    """Step through `root.backward(grad)` and return the player, for a notebook to show inline.

    NB: as `write_player`, it runs a real backward pass (`root.zero_grad()` first to start from
    zero), after the same checks (`max_nodes`, `max_work`; `timeout` is for all the frames).
    `height` is the iframe's in pixels (by default sized to the drawing and the texts, see
    `inline_height`); `draw_options` go to `draw_dot`.
    """
    if height is not None and (not isinstance(height, int) or isinstance(height, bool) or
                               height <= 0):
        raise ValueError(f"player: height must be a positive int (pixels) or None, got "
                         f"{height!r}")
    check_page(title, delay_ms, "player")
    frames = step_frames(root, grad=grad, timeout=timeout, max_nodes=max_nodes,
                         max_work=max_work, **draw_options)
    return Player(frames, title or default_title(root), delay_ms=delay_ms, height=height)
