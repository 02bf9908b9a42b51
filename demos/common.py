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
    """matplotlib.pyplot on the Agg backend (writes files, needs no display), with text sizes
    that stay legible on a slide and at half size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11,
                         "legend.fontsize": 9.5, "xtick.labelsize": 10, "ytick.labelsize": 10,
                         "figure.titlesize": 13, "axes.titlelocation": "left"})
    return plt


def whole_ticks(ax) -> None:
    """Ticks on whole numbers only (epochs, steps, layers): no "epoch 2.5"."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


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


def plot_curves(path: Path, curves: dict[str, Sequence[float]], xlabel: str, ylabel: str,
                title: str, log: bool = False) -> Path:
    """One line per named curve (e.g. train and test loss) against whole-numbered x (epochs),
    with both axes labelled and a title saying what to notice; saved as a PNG."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, ys in curves.items():
        ax.plot(range(1, len(ys) + 1), ys, marker="." if len(ys) <= 40 else None, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel + (" (log scale)" if log else ""))
    ax.set_title(title)
    whole_ticks(ax)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    return save_figure(fig, path)


def class_scores(model: nn.Module, classes: int) -> Callable[[list[float]], list[float]]:
    """`scores(point)`: the model's outputs at a 2-D point as floats, fast enough for a fine
    grid (each output compiled once by `autograd.compile`; no `.grad` is touched)."""
    programs = [autograd.compile(lambda p, k=k: model(p)[k], [0.0, 0.0], argnums=0)
                for k in range(classes)]
    return lambda point: [program(point)[0] for program in programs]


def plot_boundary(path: Path, scores: Callable[[list[float]], list[float]],
                  train: tuple[list[list[float]], list[int]],
                  test: tuple[list[list[float]], list[int]], title: str,
                  class_names: Sequence[str], resolution: int = 150) -> Path:
    """The classifier's regions on a fine grid with the boundary drawn as a line, the training
    points as dots and the held-out test points as triangles (wrong ones ringed), as a PNG.

    `scores(point)` gives one score per class (or one logit for two classes: class 1 where it
    is > 0). Regions and lines come from the scores themselves, interpolated between grid
    points, so the boundary is smooth rather than a staircase of cells.
    """
    plt = pyplot()
    points = train[0] + test[0]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    pad = 0.5
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    gx = [x0 + (x1 - x0) * i / (resolution - 1) for i in range(resolution)]
    gy = [y0 + (y1 - y0) * j / (resolution - 1) for j in range(resolution)]
    grid = [[scores([x, y]) for x in gx] for y in gy]
    k = len(class_names)
    # Each class's margin over the best other class: > 0 where it wins (for one logit, the
    # logit itself for class 1 and its negative for class 0).
    if len(grid[0][0]) == 1:
        logit = [[s[0] for s in line] for line in grid]
        margins = [[[-v for v in line] for line in logit], logit]
    else:
        margins = [[[s[c] - max(v for j, v in enumerate(s) if j != c) for s in line]
                    for line in grid] for c in range(k)]
    fig, ax = plt.subplots(figsize=(7, 5.6))
    big = 1e9
    for c in range(k):
        ax.contourf(gx, gy, margins[c], levels=[0, big], colors=[CLASS_COLORS[c]], alpha=0.18)
        if k > 2 or c == 1:  # two classes share one line: drawn once
            ax.contour(gx, gy, margins[c], levels=[0], colors="black", linewidths=1.2)
    for (data, labels), marker, size, where in ((train, "o", 22, "train"),
                                                (test, "^", 46, "test")):
        for c in range(k):
            chosen = [p for p, y in zip(data, labels) if y == c]
            ax.scatter([p[0] for p in chosen], [p[1] for p in chosen], marker=marker, s=size,
                       color=CLASS_COLORS[c], edgecolors="black", linewidths=0.5,
                       label=f"{class_names[c]}, {where}")
    wrong = [p for p, y in zip(*test) if _predicted(scores(p)) != y]
    if wrong:
        ax.scatter([p[0] for p in wrong], [p[1] for p in wrong], marker="o", s=160,
                   facecolors="none", edgecolors="black", linewidths=1.2,
                   label="test point misclassified")
    ax.plot([], [], color="black", linewidth=1.2, label="decision boundary")
    ax.set_title(title)
    ax.set_xlabel("feature 1 (standardised)")
    ax.set_ylabel("feature 2 (standardised)")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return save_figure(fig, path)


def _predicted(scores: list[float]) -> int:
    if len(scores) == 1:
        return int(scores[0] > 0)
    return max(range(len(scores)), key=scores.__getitem__)


def write_graph_svg(root: Value, path: Path) -> str:
    """Draw `root`'s graph with its gradients to an SVG; returns a line saying what happened.

    Uses `autograd.viz.draw_dot`; if Graphviz is missing the demo still finishes and says so.
    """
    try:
        render(draw_dot(root), path)
    except (ImportError, OSError, RuntimeError, TimeoutError) as error:
        return f"graph SVG skipped: {error}"
    return f"graph with gradients -> {path}"
