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
    with pytest.raises(ValueError, match="point 0 has 1 features, expected 2"):
        scale([[1.0]])


def test_batches_cover_every_index_once():
    cut = batches(10, 4, random.Random(0))
    assert [len(b) for b in cut] == [4, 4, 2]
    assert sorted(i for b in cut for i in b) == list(range(10))


def test_standardizer_fits_the_largest_floats_without_overflow():
    big = 1e300
    scale = Standardizer([[-big], [big], [3 * big]])  # (x - mean) ** 2 overflows
    assert scale.mean == pytest.approx([big])
    assert scale.std == pytest.approx([big * math.sqrt(8 / 3)])
    assert scale([[big], [-1.7e308]])[0] == pytest.approx([0.0])
    huge = Standardizer([[1.7e308], [-1.7e308]])  # even the mean's sum overflows here
    assert huge.mean == [0.0] and huge.std == pytest.approx([1.7e308])
    assert [p[0] for p in huge([[1.7e308], [-1.7e308]])] == pytest.approx([1.0, -1.0])
    low = Standardizer([[-1e308], [-1.7e308]])  # mean -1.35e308, std 0.35e308
    assert low([[1.7e308]])[0] == pytest.approx([3.05 / 0.35])  # though x - mean overflows
    assert Standardizer([[1.0], [2.0]])([[math.inf], [math.nan]])[0] == [math.inf]  # IEEE


@pytest.mark.parametrize(("points", "error", "message"), [
    ([[1.0], [math.inf]], ValueError, "point 1 feature 0 is inf; fitting needs finite numbers"),
    ([[1.0], [math.nan]], ValueError, "point 1 feature 0 is nan"),
    ([[1.0], [10**400]], ValueError, "point 1 feature 0 is inf"),
    ([[1.0], ["2"]], TypeError, r"point 1 feature 0 must be a number, got str \('2'\)"),
    ([[1.0], 2.0], TypeError, "point 1 must be a list of numbers, got float"),
    ("ab", TypeError, "points must be a list of points"),
    (3, TypeError, "points must be a list of points"),
    ([], ValueError, "at least one point"),
])
def test_standardizer_refuses_what_it_cannot_fit(points, error, message):
    with pytest.raises(error, match=message):
        Standardizer(points)


def test_batches_take_an_int_seed_like_every_rng_argument():
    assert batches(10, 3, 0) == batches(10, 3, random.Random(0))
    with pytest.raises(TypeError, match="batches: rng must be a random.Random or an int seed"):
        batches(10, 3, None)
    with pytest.raises(TypeError, match="batches: rng must be a random.Random, an int seed"):
        batches(10, 3, "seed")


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: make_spirals(turns="a"), TypeError, r"^make_spirals: turns must be a number, got str"),
    (lambda: make_spirals(turns=math.inf), ValueError, "turns must be a finite number, got inf"),
    (lambda: train_test_split(3, [1]), TypeError, "^train_test_split: points must be a list"),
    (lambda: train_test_split([[1.0]], None), TypeError, "labels must be a list, got NoneType"),
    (lambda: batches(10, 3, 0.5), TypeError, "batches: rng must be a random.Random, an int"),
])
def test_bad_data_arguments_say_what_was_expected(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("noise", [math.inf, math.nan, 10**400])
def test_noise_must_be_finite(make, noise):
    with pytest.raises(ValueError, match=r"noise must be a number in \[0, inf\)"):
        make(20, noise=noise)
