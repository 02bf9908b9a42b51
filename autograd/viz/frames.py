"""Backprop as pictures: run the backward pass step by step and draw the graph at every step.

Each frame shows the grads as they are at that moment of the pass, the step's node and edges
marked, and keeps the step's chain-rule text (`str(step)`) for the player to show beside it.
"""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograd.core.graph import topological_order
from autograd.core.scalar import is_number
from autograd.core.value import Value
from autograd.viz.dot import GraphTooBigError, draw_dot
from autograd.viz.groups import within_depth
from autograd.viz.options import count
from autograd.viz.rendering import check_writable, require_svg, svg_renderer, to_svg

PLAYER_MAX_NODES = 300
"""Frames cost one `dot` run per step over the whole graph, so the player stops sooner."""

PLAYER_MAX_WORK = 5_000
"""The most frames x nodes drawn in each the player takes on: `dot` grows faster than the graph."""

_FRAME_NAME = re.compile(r"step-[0-9]{3,}\.svg")


class PlayerTooBigError(GraphTooBigError):
    """The player refused: `frames` frames of `nodes` nodes each is more work than `limit`."""

    def __init__(self, message: str, frames: int, nodes: int, limit: int) -> None:
        super().__init__(message, frames * nodes, limit)
        self.frames, self.nodes = frames, nodes


@dataclass(frozen=True)
class Frame:
    """One step of the pass as drawn: its number, title, chain-rule text and SVG picture."""

    index: int
    heading: str
    text: str
    svg: str


def player_work(root: Value, max_depth: int | None = None) -> tuple[int, int]:
    """(frames, nodes each frame draws) of the player on `root`: known before any `dot` run.

    One frame per step of the pass: the seed, then one per node that has inputs.
    """
    order = topological_order(root)
    frames = 1 + sum(1 for node in order if node.parents)
    drawn = len(order) if max_depth is None else len(within_depth(root, max_depth)[0])
    return frames, drawn


def check_work(root: Value, max_work: int, max_depth: int | None, who: str) -> None:
    """Refuse (PlayerTooBigError) a player whose frames x nodes is above `max_work`."""
    count(max_work, "max_work", least=1)
    frames, nodes = player_work(root, max_depth)
    if frames * nodes > max_work:
        raise PlayerTooBigError(
            f"{who}: {frames:,} frames of {nodes:,} nodes each is {frames * nodes:,} "
            f"node-frames, more than max_work={max_work:,} (one `dot` run per frame, each "
            f"slower the bigger the graph): step through a smaller graph, or raise max_work",
            frames, nodes, max_work)


def step_frames(root: Value, *, grad: float = 1.0, timeout: float = 60.0,
                max_nodes: int = PLAYER_MAX_NODES, max_work: int = PLAYER_MAX_WORK,
                **draw_options: Any) -> list[Frame]:
    """Run `root.backward(grad)` one step at a time and draw each step as an SVG frame.

    NB: this is a real backward pass: afterwards the `.grad`s hold what `backward()` would have
    added (call `root.zero_grad()` first to start from zero). Before touching any grad it checks
    the size (`max_nodes` per frame, `max_work` frames x nodes) and that `dot` exists; all the
    `dot` runs together get `timeout` seconds, after which it raises TimeoutError.
    """
    from autograd.introspect.stepper import backward_steps

    if draw_options.get("collapse"):  # would fail at the first step, with grads half-changed
        raise ValueError("step_frames: collapse=True draws groups, so it cannot mark a step's "
                         "node and edges: draw the frames without it")
    _check_timeout(timeout)
    draw_dot(root, max_nodes=max_nodes, **draw_options)  # fails fast: size, options
    check_work(root, max_work, draw_options.get("max_depth"), "step_frames")
    require_svg()
    frames, sources = [], []
    # One direction for every frame (the grads' texts change from frame to frame).
    options = {"rankdir": draw_dot(root, max_nodes=max_nodes, **draw_options).graph_attr.get(
        "rankdir", "LR"), **draw_options}
    for step in backward_steps(root, grad):
        # Taken now: the text and the DOT hold the grads as they are at this step of the pass.
        frames.append(Frame(step.index, step.heading, str(step), svg=""))
        sources.append(draw_dot(root, step=step, max_nodes=max_nodes, **options).source)
    svgs = _render_all(_same_widths(sources), timeout)
    return [replace(frame, svg=svg) for frame, svg in zip(frames, svgs)]


_RECORD = re.compile(r'^\t(\S+) \[label="\{ (.*) \}"(.*shape=record.*)\]$', re.M)


def _same_widths(sources: list[str]) -> list[str]:
    """The frames' DOT with each record as wide as its widest text in any frame.

    A grad's text grows as the pass fills it in (`0.0000`, then `-1.5000`); one width per record
    keeps every frame the same size, so the player's picture does not jump between steps.
    """
    widest: dict[str, int] = {}
    for source in sources:
        for found in _RECORD.finditer(source):
            longest = max(len(field) for field in found.group(2).split(" | "))
            widest[found.group(1)] = max(longest, widest.get(found.group(1), 0))

    def widen(found: re.Match) -> str:
        inches = (widest[found.group(1)] * 7.5 + 20) / 72  # 14pt text, generously
        return found.group(0)[:-1] + f" width={inches:.2f}]"

    return [_RECORD.sub(widen, source) for source in sources]


def _check_timeout(timeout: object) -> None:
    if not is_number(timeout) or not timeout > 0:
        raise ValueError(f"step_frames: timeout must be a number of seconds > 0, not "
                         f"{timeout!r:.40}")


class _Skipped(Exception):
    """A frame not rendered because another one already failed."""


def _render_all(sources: list[str], timeout: float) -> list[str]:
    """Every source as SVG, several `dot`s at once, all of them within `timeout` seconds.

    After the first failure (or once the time is up) no further `dot` starts; that failure
    is what is raised.
    """
    deadline = time.monotonic() + timeout
    failed = threading.Event()
    late = f"the frames' `dot` runs took more than {timeout:g}s together: step through a " \
           f"smaller graph, or pass a larger timeout="

    def svg_of(source: str) -> str:
        if failed.is_set():
            raise _Skipped
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError(late)
            try:
                return to_svg(source, timeout=left)
            except TimeoutError:
                raise TimeoutError(late) from None
        except BaseException:
            failed.set()
            raise

    if svg_renderer() is not None:  # Graphviz in WebAssembly, say: in this thread (a browser
        return [svg_of(source) for source in sources]  # page's Python has no threads)
    workers = min(8, os.cpu_count() or 1, len(sources))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # one `dot` process per frame
        futures = [pool.submit(svg_of, source) for source in sources]
    errors = [f.exception() for f in futures if f.exception() is not None]
    real = [e for e in errors if not isinstance(e, _Skipped)]
    if real:
        raise real[0]
    return [f.result() for f in futures]


def check_frames_folder(folder: Path, who: str) -> None:
    """Refuse (OSError) a frames folder that write_frames could not fill, before any work."""
    if folder.is_symlink():  # its frames are cleared: only in a folder that is the player's own
        raise OSError(f"{who}: {str(folder)!r} is a symlink; frames are written (and an earlier "
                      "run's cleared) only in a real folder")
    check_writable(folder / "step-000.svg", who)
    if folder.is_dir():
        for entry in folder.iterdir():
            if _FRAME_NAME.fullmatch(entry.name) and entry.is_dir():
                raise IsADirectoryError(f"{who}: {str(entry)!r} is a directory, where a frame "
                                        f"would be written")


def write_frames(frames: list[Frame], folder: str | Path) -> list[Path]:
    """Write `step-000.svg`, `step-001.svg`, ... into `folder`; return their paths.

    Frames of an earlier run there (`step-` and digits `.svg`, as only this writes them) go
    first, so a longer earlier run leaves none behind; no other file is touched.
    """
    folder = Path(folder)
    check_frames_folder(folder, "write_frames")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if _FRAME_NAME.fullmatch(old.name) and (old.is_file() or old.is_symlink()):
            old.unlink()
    width = max(3, len(str(len(frames) - 1)))
    paths = []
    for frame in frames:
        path = folder / f"step-{frame.index:0{width}d}.svg"
        path.write_text(frame.svg, encoding="utf-8")
        paths.append(path)
    return paths
