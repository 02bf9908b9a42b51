"""Toy datasets, splitting and standardisation: seeded, shaped and labelled as documented."""

import math
import random

import pytest

from nn import (
    Standardizer,
    batches,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    train_test_split,
)

GENERATORS = [make_moons, make_circles, make_xor, make_spirals]


@pytest.mark.parametrize("make", GENERATORS, ids=lambda f: f.__name__)
def test_generators_are_seeded(make):
    assert make(60, rng=1) == make(60, rng=1)
    assert make(60, rng=1) != make(60, rng=2)
    points, labels = make(61, rng=0)
    assert len(points) == len(labels) == 61
    assert all(len(p) == 2 and all(isinstance(c, float) for c in p) for p in points)


def test_moons_without_noise_lie_on_two_half_circles():
    points, labels = make_moons(100, noise=0.0)
    for (x, y), label in zip(points, labels):
        cx, cy = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x - cx, y - cy) == pytest.approx(1.0)
        assert (y >= -1e-12) if label == 0 else (y <= 0.5 + 1e-12)
    assert labels.count(0) == labels.count(1) == 50


def test_circles_without_noise_have_two_radii():
    points, labels = make_circles(40, noise=0.0, factor=0.3)
    for (x, y), label in zip(points, labels):
        assert math.hypot(x, y) == pytest.approx(0.3 if label else 1.0)


def test_xor_labels_follow_the_signs():
    points, labels = make_xor(200, noise=0.1)
    for (x, y), label in zip(points, labels):
        assert label == int((x > 0) != (y > 0))


def test_spirals_have_k_balanced_classes():
    points, labels = make_spirals(301, classes=4, noise=0.0)
    assert sorted(set(labels)) == [0, 1, 2, 3]
    assert [labels.count(k) for k in range(4)] == [76, 75, 75, 75]
    assert all(math.hypot(x, y) <= 1.0 + 1e-12 for x, y in points)


@pytest.mark.parametrize("call, message", [
    (lambda: make_moons(0), "positive int"),
    (lambda: make_moons(10, noise=-1), "noise"),
    (lambda: make_circles(10, factor=1.5), "factor"),
    (lambda: make_spirals(10, classes=0), "classes"),
    (lambda: train_test_split([[0.0]], [0, 1]), "1 points but 2 labels"),
    (lambda: train_test_split([[0.0]] * 4, [0] * 4, test_fraction=1.0), "test_fraction"),
    (lambda: train_test_split([[0.0]], [0]), "too few"),
])
def test_bad_arguments_are_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_train_test_split_partitions_the_examples():
    points = [[float(i), 0.0] for i in range(20)]
    labels = list(range(20))
    x_train, y_train, x_test, y_test = train_test_split(points, labels, 0.25, rng=3)
    assert len(x_test) == 5 and len(x_train) == 15
    assert sorted(y_train + y_test) == labels
    assert all(p[0] == y for p, y in zip(x_train + x_test, y_train + y_test))
    assert train_test_split(points, labels, 0.25, rng=3)[3] == y_test


def test_standardizer_uses_training_statistics():
    train = [[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]]
    scale = Standardizer(train)
    scaled = scale(train)
    assert [sum(col) / 3 for col in zip(*scaled)] == pytest.approx([0.0, 0.0])
    assert sum(p[0] ** 2 for p in scaled) / 3 == pytest.approx(1.0)
    assert scale([[7.0, 12.0]])[0] == pytest.approx([(7 - 3) / math.sqrt(8 / 3), 2.0])
    with pytest.raises(ValueError, match="1 features, fitted 2"):
        scale([[1.0]])


def test_batches_cover_every_index_once():
    cut = batches(10, 4, random.Random(0))
    assert [len(b) for b in cut] == [4, 4, 2]
    assert sorted(i for b in cut for i in b) == list(range(10))
