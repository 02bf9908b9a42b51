"""Backprop as pictures: run the backward pass step by step and draw the graph at every step.

Each frame shows the grads as they are at that moment of the pass, the step's node and edges
marked, and keeps the step's chain-rule text (`str(step)`) for the player to show beside it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.value import Value
from autograd.viz.dot import draw_dot
from autograd.viz.rendering import require_dot, to_svg

PLAYER_MAX_NODES = 300
"""Frames cost one `dot` run per step over the whole graph, so the player stops sooner."""


@dataclass(frozen=True)
class Frame:
    """One step of the pass as drawn: its number, title, chain-rule text and SVG picture."""

    index: int
    heading: str
    text: str
    svg: str


def step_frames(root: Value, *, grad: float = 1.0, timeout: float = 60.0,
                max_nodes: int = PLAYER_MAX_NODES, **draw_options: Any) -> list[Frame]:
    """Run `root.backward(grad)` one step at a time and draw each step as an SVG frame.

    NB: this is a real backward pass: afterwards the `.grad`s hold what `backward()` would have
    added (call `root.zero_grad()` first to start from zero). It checks the size and that `dot`
    exists before touching any grad.
    """
    from autograd.stepper import backward_steps

    draw_dot(root, max_nodes=max_nodes, **draw_options)  # fails fast: size, options
    require_dot()
    steps = []
    for step in backward_steps(root, grad):
        # Drawn now: the DOT text holds the grads as they are at this step of the pass.
        source = draw_dot(root, step=step, max_nodes=max_nodes, **draw_options).source
        heading = getattr(step, "heading", f"step {step.index}/{step.total - 1}")
        steps.append((step.index, heading, str(step), source))
    workers = min(8, os.cpu_count() or 1, len(steps))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # one `dot` process per frame
        svgs = list(pool.map(lambda s: to_svg(s[3], timeout=timeout), steps))
    return [Frame(index, heading, text, svg) for (index, heading, text, _), svg in zip(steps, svgs)]


def write_frames(frames: list[Frame], folder: str | Path) -> list[Path]:
    """Write `step-000.svg`, `step-001.svg`, ... into `folder` (old step files there go first)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("step-*.svg"):  # a longer earlier run must not leave stale frames
        old.unlink()
    width = max(3, len(str(len(frames) - 1)))
    paths = []
    for frame in frames:
        path = folder / f"step-{frame.index:0{width}d}.svg"
        path.write_text(frame.svg, encoding="utf-8")
        paths.append(path)
    return paths
