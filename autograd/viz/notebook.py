"""The backprop player inside a notebook cell: the same self-contained page, in an iframe.

`player(root)` returns an object whose notebook display is the player page as an `<iframe
srcdoc=...>`: no server, no network and no file, so it also survives export to HTML.
`write_player` is the same page written to a file.
"""

from __future__ import annotations

import html
from typing import Any

from autograd.core.value import Value
from autograd.viz.frames import PLAYER_MAX_NODES, PLAYER_MAX_WORK, Frame, step_frames
from autograd.viz.player import check_page, default_title, player_html


class Player:
    """A stepped-through backward pass, shown by Jupyter as the player page in an iframe.

    `.frames` are the steps as drawn, `.html` the whole page (what `write_player` writes).
    """

    def __init__(self, frames: list[Frame], title: str, *, delay_ms: int = 1200,
                 height: int = 420) -> None:
        if not frames:
            raise ValueError("Player: needs at least one frame")
        self.frames, self.title, self.height = frames, title, int(height)
        self.html = player_html(frames, title, delay_ms)

    def _repr_html_(self) -> str:
        # sandbox: the page may run its own script, and nothing else (no same-origin access).
        return (f'<iframe class="stepgrad-player" title="{html.escape(self.title)}" '
                f'sandbox="allow-scripts" srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ccc"></iframe>')

    def __repr__(self) -> str:
        return f"<Player: {len(self.frames)} steps, {self.title!r}>"


def player(root: Value, *, grad: float = 1.0, title: str = "", delay_ms: int = 1200,
           height: int = 420, timeout: float = 60.0, max_nodes: int = PLAYER_MAX_NODES,
           max_work: int = PLAYER_MAX_WORK, **draw_options: Any) -> Player:
    """Step through `root.backward(grad)` and return the player, for a notebook to show inline.

    NB: as `write_player`, it runs a real backward pass (`root.zero_grad()` first to start from
    zero), after the same checks (`max_nodes`, `max_work`; `timeout` is for all the frames).
    `height` is the iframe's in pixels; `draw_options` go to `draw_dot`.
    """
    if not isinstance(height, int) or isinstance(height, bool) or height <= 0:
        raise ValueError(f"player: height must be a positive int (pixels), got {height!r}")
    check_page(title, delay_ms, "player")
    frames = step_frames(root, grad=grad, timeout=timeout, max_nodes=max_nodes,
                         max_work=max_work, **draw_options)
    return Player(frames, title or default_title(root), delay_ms=delay_ms, height=height)
