"""What every demo shares: its command line, matplotlib without a display, pictures, graph SVGs.

The `nn` library never imports matplotlib or tqdm; only the demos do, through here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import autograd
import nn
from autograd import Value, no_grad
from autograd.viz import draw_dot, render  # graphviz itself is imported only when rendering

CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def parse_args(name: str, description: str, argv: Sequence[str] | None,
               compiled: bool = False,
               extra: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.Namespace:
    """--quick (a few steps, for tests), --seed (data and weights), --out (the output folder);
    with `compiled`, also --compile (training steps run by autograd.compile); `extra` may add a
    demo's own options to the parser."""
    parser = argparse.ArgumentParser(prog=f"demos/{name}.py", description=description)
    parser.add_argument("--quick", action="store_true", help="train for a few steps only")
    if compiled:
        parser.add_argument("--compile", action="store_true",
                            help="run each training step as a compiled program (same numbers)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data and weights")
    parser.add_argument("--out", type=_folder, default=Path("out") / name,
                        help=f"folder for the pictures (default out/{name})")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file there, or under a file: argparse's one-line error, exit 2
        parser.error(f"--out {args.out}: cannot be a folder ({error.strerror or error})")
    return args


def _folder(text: str) -> Path:
    """--out's value: a folder path (an empty one would scatter the pictures in `.`)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder name, not an empty string")
    return Path(text)


def batch_count(n: int, batch_size: int) -> int:
    """How many batches `nn.batches` cuts `n` examples into (the last may be shorter)."""
    return -(-n // batch_size)


def evaluate(model: nn.Module, points: list[list[float]], labels: list[int],
             loss: Callable[[list, list[int]], Value],
             predict: Callable[[list[Value]], int]) -> tuple[float, float]:
    """(loss, accuracy) on a data set: eval mode (no dropout), no graph recorded (no_grad)."""
    model.eval()
    with no_grad():
        outputs = [model(p) for p in points]
        value = loss(outputs, labels).data
    model.train()
    return value, nn.accuracy([predict(out) for out in outputs], labels)


def training_step(loss: Callable[..., Value], compiled: bool) -> Callable[..., float]:
    """`step(*batch)`: loss(*batch) forward and backward (into `.grad`), returning its value.

    On the dynamic engine, or with `compiled` by `autograd.compile`, traced at the first call
    (and again for each new batch shape, e.g. a shorter last batch): the same numbers, faster.
    """
    if not compiled:
        def dynamic(*batch: object) -> float:
            out = loss(*batch)
            out.backward()
            return out.data

        return dynamic
    programs: list = []

    def run(*batch: object) -> float:
        if not programs:
            programs.append(autograd.compile(loss, *batch))
        return programs[0](*batch)

    return run


def pyplot():
    """matplotlib.pyplot on the Agg backend: writes files, needs no display."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: Path) -> Path:
    """Lay out, write as a PNG and close a matplotlib figure; returns the path."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path


def progress(total: int, description: str):
    """A tqdm progress bar on stderr (the summary on stdout stays clean)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="step", file=sys.stderr,
                dynamic_ncols=True, leave=True)


def plot_curves(path: Path, curves: dict[str, Sequence[float]], xlabel: str, title: str,
                log: bool = False) -> Path:
    """One line per named curve (e.g. train and test loss), saved as a PNG."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, ys in curves.items():
        ax.plot(range(1, len(ys) + 1), ys, label=label)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_boundary(path: Path, classify: Callable[[list[float]], int], points: list[list[float]],
                  labels: list[int], title: str, resolution: int = 60) -> Path:
    """The classifier's region for every class, with the labelled points on top, as a PNG."""
    plt = pyplot()
    from matplotlib.colors import ListedColormap

    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    pad = 0.5
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    gx = [x0 + (x1 - x0) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 + (y1 - y0) * j / (resolution - 1) for j in range(resolution)]
    grid = [[classify([x, y]) for x in gx] for y in gy]
    k = max(labels) + 1
    colors = ListedColormap(CLASS_COLORS[:k])
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contourf(gx, gy, grid, alpha=0.3, cmap=colors, levels=[c - 0.5 for c in range(k + 1)])
    ax.scatter(xs, ys, c=labels, cmap=colors, vmin=-0.5, vmax=k - 0.5, s=18, edgecolors="k",
               linewidths=0.4)
    ax.set_title(title)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_graph_svg(root: Value, path: Path) -> str:
    """Draw `root`'s graph with its gradients to an SVG; returns a line saying what happened.

    Uses `autograd.viz.draw_dot`; if Graphviz is missing the demo still finishes and says so.
    """
    try:
        render(draw_dot(root), path)
    except (ImportError, OSError, RuntimeError, TimeoutError) as error:
        return f"graph SVG skipped: {error}"
    return f"graph with gradients -> {path}"
