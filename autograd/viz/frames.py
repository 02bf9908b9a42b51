"""Backprop as pictures: run the backward pass step by step and draw the graph at every step.

Each frame shows the grads as they are at that moment of the pass, the step's node and edges
marked, and keeps the step's chain-rule text (`str(step)`) for the player to show beside it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
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

    if draw_options.get("collapse"):  # would fail at the first step, with grads half-changed
        raise ValueError("step_frames: collapse=True draws groups, so it cannot mark a step's "
                         "node and edges: draw the frames without it")
    draw_dot(root, max_nodes=max_nodes, **draw_options)  # fails fast: size, options
    require_dot()
    frames, sources = [], []
    for step in backward_steps(root, grad):
        # Taken now: the text and the DOT hold the grads as they are at this step of the pass.
        frames.append(Frame(step.index, step.heading, str(step), svg=""))
        sources.append(draw_dot(root, step=step, max_nodes=max_nodes, **draw_options).source)
    workers = min(8, os.cpu_count() or 1, len(sources))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # one `dot` process per frame
        svgs = pool.map(lambda source: to_svg(source, timeout=timeout), sources)
        return [replace(frame, svg=svg) for frame, svg in zip(frames, svgs)]


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
