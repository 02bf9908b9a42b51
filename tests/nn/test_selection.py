"""Activation modules; k_fold, EarlyStopping, grid_search / random_search and their table."""

import math
import random

import pytest

from autograd import Value, gradcheck, sum_of
from nn import (
    MLP,
    EarlyStopping,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softplus,
    Tanh,
    format_table,
    grid_search,
    k_fold,
    random_search,
)

FUNCTIONS = [
    (ReLU(), lambda z: max(z, 0.0)),
    (Tanh(), math.tanh),
    (Sigmoid(), lambda z: 1 / (1 + math.exp(-z))),
    (Softplus(), lambda z: math.log1p(math.exp(z))),
    (LeakyReLU(0.2), lambda z: z if z > 0 else 0.2 * z),
    (Identity(), lambda z: z),
]


@pytest.mark.parametrize("module, f", FUNCTIONS, ids=lambda x: repr(x))
def test_activation_modules_apply_entrywise_and_keep_the_shape(module, f):
    maps = [[[0.5, -1.5], [2.0, -0.25]], [[1.25, -3.0], [0.75, 0.1]]]
    out = module(maps)
    assert [[[v.data for v in row] for row in m] for m in out] == \
        [[[pytest.approx(f(z), rel=1e-12) for z in row] for row in m] for m in maps]
    assert [v.data for v in module([0.5, -2.0])] == pytest.approx([f(0.5), f(-2.0)])

    def g(a, b):
        return sum_of(module([a, b])) * 1.5

    assert gradcheck(g, 0.7, -1.3)


@pytest.mark.parametrize("module", [ReLU(), Tanh()], ids=repr)
def test_activation_modules_reject_non_lists(module):
    name = type(module).__name__
    with pytest.raises(TypeError, match=f"{name}: expected a list .* got a single Value"):
        module(Value(1.0))
    with pytest.raises(ValueError, match=f"{name}: .* got a ragged nested list"):
        module([[1.0], [1.0, 2.0]])
    with pytest.raises(TypeError, match=name):
        module("abc")


def test_leaky_relu_checks_its_slope():
    with pytest.raises(ValueError, match="LeakyReLU: negative_slope"):
        LeakyReLU(1.5)


@pytest.mark.parametrize("n, k", [(10, 2), (10, 3), (7, 7), (101, 5)])
def test_k_fold_validates_every_index_once(n, k):
    splits = k_fold(n, k, rng=0)
    assert len(splits) == k
    held = [i for _, val in splits for i in val]
    assert sorted(held) == list(range(n))
    sizes = [len(val) for _, val in splits]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)
    for train, val in splits:
        assert sorted(train + val) == list(range(n)) and not set(train) & set(val)
    assert k_fold(n, k, rng=0) == splits and (n < 4 or k_fold(n, k, rng=1) != splits)


@pytest.mark.parametrize("n, k, error", [(5, 1, ValueError), (3, 4, ValueError),
                                         (5.0, 2, TypeError), (5, True, TypeError)])
def test_k_fold_rejects_bad_sizes(n, k, error):
    with pytest.raises(error, match="k_fold"):
        k_fold(n, k)


def test_early_stopping_stops_after_patience_and_restores_the_best():
    model = MLP(1, [2, 1], rng=0)
    stopper = EarlyStopping(patience=2)
    losses = [1.0, 0.8, 0.9, 0.7, 0.75, 0.71, 0.6]
    stops = []
    for epoch, loss in enumerate(losses):
        for p in model.parameters():
            p.data = float(epoch)  # a recognisable state per epoch
        stops.append(stopper.step(loss, model))
        if stops[-1]:
            break
    assert stops == [False, False, False, False, False, True]
    assert stopper.best == 0.7 and stopper.best_step == 3
    stopper.restore(model)
    assert all(p.data == 3.0 for p in model.parameters())


def test_early_stopping_min_delta_and_errors():
    stopper = EarlyStopping(patience=1, min_delta=0.1)
    assert stopper.step(1.0) is False
    assert stopper.step(0.95) is True  # not better by more than 0.1
    with pytest.raises(ValueError, match="no model was saved"):
        stopper.restore(MLP(1, [1]))
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(TypeError, match="EarlyStopping.step: loss"):
        EarlyStopping().step("0.5")
    nan = EarlyStopping(patience=1)
    assert nan.step(float("nan")) is True  # NaN never improves


def test_grid_search_scores_every_combination_best_first():
    calls = []

    def score(lr, l2):
        calls.append((lr, l2))
        return (lr - 0.1) ** 2 + l2

    rows = grid_search(score, {"lr": [0.01, 0.1, 1.0], "l2": [0.0, 0.5]})
    assert sorted(calls) == sorted((lr, l2) for lr in [0.01, 0.1, 1.0] for l2 in [0.0, 0.5])
    assert rows[0] == {"lr": 0.1, "l2": 0.0, "score": 0.0}
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)
    assert len(rows) == 6
    table = format_table(rows).splitlines()
    assert table[0].split() == ["lr", "l2", "score"] and len(table) == 7
    assert table[1].split() == ["0.1", "0", "0"]


def test_random_search_is_seeded_and_draws_from_the_space():
    space = {"lr": [0.001, 0.01, 0.1], "l2": [0.0, 1e-4]}
    rows = random_search(lambda lr, l2: lr + l2, space, 5, rng=3)
    assert len(rows) == 5
    assert all(r["lr"] in space["lr"] and r["l2"] in space["l2"] for r in rows)
    assert rows == random_search(lambda lr, l2: lr + l2, space, 5, rng=random.Random(3))


def test_searches_reject_bad_spaces_and_scores():
    with pytest.raises(TypeError, match="grid_search: expected a non-empty dict"):
        grid_search(lambda: 0.0, {})
    with pytest.raises(TypeError, match="lr needs a non-empty list"):
        grid_search(lambda lr: 0.0, {"lr": []})
    with pytest.raises(TypeError, match=r"grid_search \(at \{'lr': 1\}\): the score"):
        grid_search(lambda lr: "bad", {"lr": [1]})
    with pytest.raises(ValueError, match="random_search: n"):
        random_search(lambda lr: 0.0, {"lr": [1]}, 0)


def test_nn_imports_none_of_the_demo_dependencies():
    import subprocess
    import sys

    code = ("import sys, nn; bad = [m for m in ('sklearn', 'matplotlib', 'tqdm', 'numpy') "
            "if m in sys.modules]; print(bad)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_hyperparameter_named_score_is_refused():
    for search in (lambda s, sp: grid_search(s, sp), lambda s, sp: random_search(s, sp, 2, rng=0)):
        with pytest.raises(ValueError, match="'score' names each row's result"):
            search(lambda score: score, {"score": [1, 2]})
