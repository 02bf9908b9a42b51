"""Toy datasets in pure Python (two moons, circles, spirals, XOR), splitting and scaling.

Every generator takes `rng` (a `random.Random` or an int seed; default seed 0) so a dataset is
the same on every run. Points are lists `[x, y]` of floats; labels are ints 0..k-1.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from nn.module import as_rng, check_count, check_number

Points = list[list[float]]


def _noise(noise: object, where: str) -> float:
    return check_number(noise, "noise", where, 0.0, type_error=ValueError)


def _jitter(points: Points, noise: float, rng: random.Random) -> Points:
    return [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y in points]


def make_moons(
    n: int = 200, noise: float = 0.1, rng: random.Random | int | None = None
) -> tuple[Points, list[int]]:
    """Two interleaving half circles (as sklearn's make_moons): not linearly separable."""
    check_count(n, "n", "make_moons")
    noise, rng = _noise(noise, "make_moons"), as_rng(rng, "make_moons")
    n_out = n // 2
    n_in = n - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0, math.pi, n_out)]
    inner = [[1 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0, math.pi, n_in)]
    return _shuffled(_jitter(outer + inner, noise, rng), [0] * n_out + [1] * n_in, rng)


def make_circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5,
    rng: random.Random | int | None = None,
) -> tuple[Points, list[int]]:
    """A small circle (label 1) inside a big one (label 0); `factor` is the radius ratio."""
    check_count(n, "n", "make_circles")
    noise, rng = _noise(noise, "make_circles"), as_rng(rng, "make_circles")
    factor = check_number(factor, "factor", "make_circles", above=0.0, below=1.0,
                          type_error=ValueError)
    n_out = n // 2
    n_in = n - n_out
    ring = lambda count, r: [  # noqa: E731
        [r * math.cos(2 * math.pi * i / count), r * math.sin(2 * math.pi * i / count)]
        for i in range(count)
    ]
    points = ring(n_out, 1.0) + ring(n_in, factor)
    return _shuffled(_jitter(points, noise, rng), [0] * n_out + [1] * n_in, rng)


def make_spirals(
    n: int = 300, classes: int = 3, noise: float = 0.2, turns: float = 1.0,
    rng: random.Random | int | None = None,
) -> tuple[Points, list[int]]:
    """`classes` interleaved spiral arms (CS231n's dataset); `noise` jitters the angle."""
    check_count(n, "n", "make_spirals")
    check_count(classes, "classes", "make_spirals")
    noise, rng = _noise(noise, "make_spirals"), as_rng(rng, "make_spirals")
    points, labels = [], []
    for k in range(classes):
        count = n // classes + (1 if k < n % classes else 0)
        for r in _linspace(0.05, 1.0, count):
            # Arm k starts at angle 2 pi k / classes and winds `turns` times as r grows.
            t = 2 * math.pi * (k / classes + turns * r) + rng.gauss(0.0, noise)
            points.append([r * math.sin(t), r * math.cos(t)])
            labels.append(k)
    return _shuffled(points, labels, rng)


def make_xor(
    n: int = 200, noise: float = 0.1, rng: random.Random | int | None = None
) -> tuple[Points, list[int]]:
    """Points near the four corners (+-1, +-1); label 1 where exactly one coordinate is > 0."""
    check_count(n, "n", "make_xor")
    noise, rng = _noise(noise, "make_xor"), as_rng(rng, "make_xor")
    corners = [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)]
    points, labels = [], []
    for i in range(n):
        x, y = corners[i % 4]
        points.append([x, y])
        labels.append(int((x > 0) != (y > 0)))
    return _shuffled(_jitter(points, noise, rng), labels, rng)


def _linspace(a: float, b: float, count: int) -> list[float]:
    if count == 1:
        return [a]
    return [a + (b - a) * i / (count - 1) for i in range(count)]


def _shuffled(points: Points, labels: list[int], rng: random.Random) -> tuple[Points, list[int]]:
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def train_test_split(
    points: Sequence[Sequence[float]], labels: Sequence, test_fraction: float = 0.25,
    rng: random.Random | int | None = None,
) -> tuple[Points, list, Points, list]:
    """Shuffle, then hold out `test_fraction` of the examples.

    Returns (X_train, y_train, X_test, y_test)."""
    if len(points) != len(labels):
        raise ValueError(f"train_test_split: {len(points)} points but {len(labels)} labels")
    check_number(test_fraction, "test_fraction", "train_test_split", above=0.0, below=1.0,
                 type_error=ValueError)
    n_test = round(len(points) * test_fraction)
    if not 0 < n_test < len(points):
        raise ValueError(f"train_test_split: {len(points)} examples are too few to split "
                         f"with test_fraction={test_fraction}")
    order = list(range(len(points)))
    as_rng(rng, "train_test_split").shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return ([list(points[i]) for i in train], [labels[i] for i in train],
            [list(points[i]) for i in test], [labels[i] for i in test])


class Standardizer:
    """Rescale each feature to mean 0, std 1 using statistics of the training set only.

    Fit on train, apply to train and test: the test set must not leak into the scaling.
    """

    def __init__(self, points: Sequence[Sequence[float]]) -> None:
        if not points:
            raise ValueError("Standardizer: needs at least one point to fit")
        width = len(points[0])
        if any(len(p) != width for p in points):
            raise ValueError("Standardizer: every point must have the same number of features")
        n = len(points)
        self.mean = [sum(p[j] for p in points) / n for j in range(width)]
        var = [sum((p[j] - self.mean[j]) ** 2 for p in points) / n for j in range(width)]
        self.std = [math.sqrt(v) or 1.0 for v in var]  # a constant feature is left unscaled

    def __call__(self, points: Sequence[Sequence[float]]) -> Points:
        width = len(self.mean)
        for i, p in enumerate(points):
            if len(p) != width:
                raise ValueError(f"Standardizer: point {i} has {len(p)} features, fitted {width}")
        return [[(x - m) / s for x, m, s in zip(p, self.mean, self.std)] for p in points]


def batches(n: int, size: int, rng: random.Random) -> list[list[int]]:
    """The indices 0..n-1 shuffled and cut into batches of `size` (the last may be shorter)."""
    check_count(n, "n", "batches")
    check_count(size, "size", "batches")
    order = list(range(n))
    rng.shuffle(order)
    return [order[i:i + size] for i in range(0, n, size)]
