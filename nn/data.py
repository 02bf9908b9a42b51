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
    return check_number(noise, "noise", where, 0.0, below=math.inf, type_error=ValueError)


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
    turns = check_number(turns, "turns", "make_spirals")
    if not math.isfinite(turns):
        raise ValueError(f"make_spirals: turns must be a finite number, got {turns}")
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
    for name, seq in (("points", points), ("labels", labels)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence):
            raise TypeError(f"train_test_split: {name} must be a list, got {type(seq).__name__}")
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

    Fit on train, apply to train and test: the test set must not leak into the scaling. Fitting
    needs finite numbers and works up to the largest floats (no overflow on the way); applying
    follows IEEE (an inf or nan input gives an inf or nan output, a result beyond range is inf).
    """

    def __init__(self, points: Sequence[Sequence[float]]) -> None:
        rows = _rows(points, "Standardizer", None)
        if not rows:
            raise ValueError("Standardizer: needs at least one point to fit")
        for i, row in enumerate(rows):
            for j, x in enumerate(row):
                if not math.isfinite(x):
                    raise ValueError(f"Standardizer: point {i} feature {j} is {x}; "
                                     f"fitting needs finite numbers")
        stats = [_moments(column) for column in zip(*rows)]
        self.mean = [m for m, _ in stats]
        self.std = [s for _, s in stats]

    def __call__(self, points: Sequence[Sequence[float]]) -> Points:
        rows = _rows(points, "Standardizer", len(self.mean))
        return [[_scaled(x, m, s) for x, m, s in zip(p, self.mean, self.std)] for p in rows]


def _rows(points: object, where: str, width: int | None) -> Points:
    """`points` as lists of floats of one width (`width`, or the first point's); else an error."""
    if isinstance(points, (str, bytes)) or not isinstance(points, Sequence):
        raise TypeError(f"{where}: points must be a list of points (lists of numbers), "
                        f"got {type(points).__name__}")
    rows = []
    for i, p in enumerate(points):
        if isinstance(p, (str, bytes)) or not isinstance(p, Sequence):
            raise TypeError(f"{where}: point {i} must be a list of numbers, "
                            f"got {type(p).__name__}")
        width = len(p) if width is None else width
        if len(p) != width:
            raise ValueError(f"{where}: point {i} has {len(p)} features, expected {width}")
        rows.append([check_number(x, f"point {i} feature {j}", where) for j, x in enumerate(p)])
    return rows


def _moments(column: Sequence[float]) -> tuple[float, float]:
    """(mean, std) of finite floats; std 1 for a constant feature, which is left unscaled."""
    n = len(column)
    mean = sum(column) / n
    try:
        var = sum((x - mean) ** 2 for x in column) / n
    except OverflowError:
        var = math.inf
    if not (math.isfinite(mean) and math.isfinite(var)):  # beyond range on the way: scale first
        biggest = max(abs(x) for x in column)
        units = [x / biggest for x in column]  # in [-1, 1], so nothing below can overflow
        mu = sum(units) / n
        mean, var = mu * biggest, sum((u - mu) ** 2 for u in units) / n
        return mean, (math.sqrt(var) * biggest) or 1.0
    return mean, math.sqrt(var) or 1.0


def _scaled(x: float, mean: float, std: float) -> float:
    """(x - mean) / std, without a spurious inf when x - mean alone overflows."""
    d = x - mean
    if math.isinf(d) and math.isfinite(x):
        return x / std - mean / std
    return d / std


def batches(n: int, size: int, rng: random.Random | int) -> list[list[int]]:
    """The indices 0..n-1 shuffled and cut into batches of `size` (the last may be shorter).

    `rng` is a `random.Random` (pass the same one every epoch for a new order each time) or an
    int seed, as everywhere in `nn`.
    """
    check_count(n, "n", "batches")
    check_count(size, "size", "batches")
    if rng is None:
        raise TypeError("batches: rng must be a random.Random or an int seed, got None")
    order = list(range(n))
    as_rng(rng, "batches").shuffle(order)
    return [order[i:i + size] for i in range(0, n, size)]
