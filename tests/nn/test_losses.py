"""Losses against their closed forms, finite differences, and extreme inputs."""

import math

import pytest

from autograd import Value, gradcheck
from nn import (
    accuracy,
    bce_with_logits,
    hinge,
    l1_penalty,
    l2_penalty,
    mse,
    softmax_cross_entropy,
)


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_mse_closed_form_and_gradient():
    preds, targets = [0.5, -1.0, 2.0], [1.0, 0.0, 2.5]
    expected = sum((p - t) ** 2 for p, t in zip(preds, targets)) / 3
    assert mse([Value(p) for p in preds], targets).data == pytest.approx(expected, rel=1e-12)
    assert gradcheck(lambda a, b, c: mse([a, b, c], targets), *preds)


def test_mse_accepts_one_element_lists_from_a_layer():
    assert mse([[Value(2.0)], [Value(0.0)]], [1.0, 1.0]).data == 1.0


def test_bce_with_logits_closed_form_and_gradient():
    logits, labels = [0.3, -1.2, 2.0, 0.0], [1, 0, 0, 1]
    expected = -sum(
        y * math.log(sigmoid(z)) + (1 - y) * math.log(1 - sigmoid(z))
        for z, y in zip(logits, labels)
    ) / 4
    got = bce_with_logits([Value(z) for z in logits], labels)
    assert got.data == pytest.approx(expected, rel=1e-12)
    assert gradcheck(lambda a, b, c, d: bce_with_logits([a, b, c, d], labels), *logits)


def test_bce_gradient_is_sigmoid_minus_label():
    zs = [Value(0.7), Value(-2.0)]
    bce_with_logits(zs, [0, 1]).backward()
    assert zs[0].grad == pytest.approx((sigmoid(0.7) - 0) / 2, rel=1e-12)
    assert zs[1].grad == pytest.approx((sigmoid(-2.0) - 1) / 2, rel=1e-12)


@pytest.mark.parametrize("z, y, expected", [(1000.0, 1, 0.0), (1000.0, 0, 1000.0),
                                             (-1000.0, 0, 0.0), (-1000.0, 1, 1000.0)])
def test_bce_with_logits_is_stable_for_huge_logits(z, y, expected):
    z = Value(z)
    loss = bce_with_logits([z], [y])
    loss.backward()
    assert loss.data == pytest.approx(expected, abs=1e-9)
    assert math.isfinite(z.grad)


def test_softmax_cross_entropy_closed_form_and_gradient():
    rows, labels = [[1.0, 2.0, 0.5], [-0.3, 0.1, 0.4]], [1, 0]

    def closed(row, label):
        return -math.log(math.exp(row[label]) / sum(math.exp(z) for z in row))

    expected = sum(closed(r, y) for r, y in zip(rows, labels)) / 2
    got = softmax_cross_entropy([[Value(z) for z in r] for r in rows], labels)
    assert got.data == pytest.approx(expected, rel=1e-12)

    def f(a, b, c, d, e, g):
        return softmax_cross_entropy([[a, b, c], [d, e, g]], labels)

    assert gradcheck(f, *rows[0], *rows[1])


def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot():
    zs = [Value(0.2), Value(-1.0), Value(1.5)]
    softmax_cross_entropy([zs], [2]).backward()
    total = sum(math.exp(z.data) for z in zs)
    for k, z in enumerate(zs):
        assert z.grad == pytest.approx(math.exp(z.data) / total - (k == 2), rel=1e-9)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    zs = [Value(1000.0), Value(0.0), Value(-1000.0)]
    loss = softmax_cross_entropy([zs], [1])
    loss.backward()
    assert loss.data == pytest.approx(1000.0)
    assert zs[0].grad == pytest.approx(1.0) and zs[1].grad == pytest.approx(-1.0)


def test_hinge_is_micrograds_loss():
    scores, labels = [0.5, -2.0, 1.5, 0.2], [1, -1, -1, -1]
    expected = sum(max(0.0, 1 - y * s) for s, y in zip(scores, labels)) / 4
    assert hinge([Value(s) for s in scores], labels).data == pytest.approx(expected, rel=1e-12)
    assert gradcheck(lambda a, b, c, d: hinge([a, b, c, d], labels), *scores)


def test_penalties():
    ps = [Value(0.5), Value(-2.0), Value(1.5)]
    assert l2_penalty(ps, 0.1).data == pytest.approx(0.1 * (0.25 + 4 + 2.25), rel=1e-12)
    assert l1_penalty(ps, 0.1).data == pytest.approx(0.1 * 4.0, rel=1e-12)
    assert gradcheck(lambda a, b, c: l2_penalty([a, b, c], 0.1) + l1_penalty([a, b, c], 0.2),
                     0.5, -2.0, 1.5)


@pytest.mark.parametrize("loss, preds, labels", [
    (mse, [1.0, 2.0], [1.0]),
    (bce_with_logits, [1.0], [1, 0]),
    (hinge, [1.0, 2.0, 3.0], [1, -1]),
    (softmax_cross_entropy, [[1.0, 2.0]], [0, 1]),
])
def test_mismatched_label_counts_are_a_clear_error(loss, preds, labels):
    with pytest.raises(ValueError, match=f"{len(preds)} predictions but {len(labels)} labels"):
        loss(preds, labels)


@pytest.mark.parametrize("loss, preds, labels, message", [
    (bce_with_logits, [1.0], [2], r"in \[0, 1\]"),
    (hinge, [1.0], [0], "-1 or \\+1"),
    (softmax_cross_entropy, [[1.0, 2.0]], [2], "class index in 0..1"),
    (softmax_cross_entropy, [[1.0, 2.0], [1.0]], [0, 0], "has 1 logits"),
    (mse, [], [], "at least one"),
])
def test_bad_labels_are_a_clear_error(loss, preds, labels, message):
    with pytest.raises(ValueError, match=message):
        loss(preds, labels)


def test_non_numbers_are_a_clear_error():
    with pytest.raises(TypeError, match="target 0"):
        mse([1.0], ["1"])
    with pytest.raises(TypeError, match="predictions must be a list"):
        mse(Value(1.0), [1.0])


def test_accuracy():
    assert accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5


@pytest.mark.parametrize("loss, preds, labels", [
    (mse, [0.5, [2.0]], [1.0, 1.0]),
    (bce_with_logits, [-40.0, [0.5], 3], [1, 0, 1]),
    (hinge, [0.5, [-2.0], 1], [1, 1, -1]),
])
def test_plain_number_predictions_give_the_same_loss_as_values(loss, preds, labels):
    as_values = [Value(p[0] if isinstance(p, list) else p) for p in preds]
    got = loss(preds, labels)
    assert isinstance(got, Value)
    assert got.data == loss(as_values, labels).data


def test_l1_and_l2_penalties_take_the_same_arguments():
    w = Value(-2.0)
    assert l1_penalty([w, 3.0], 0.5).data == 2.5 and l2_penalty([w, 3.0], 0.5).data == 6.5
    l1_penalty([w], 1.0).backward()
    assert w.grad == -1.0  # numbers are constants; Values get gradients
    for penalty in (l1_penalty, l2_penalty):
        name = penalty.__name__
        with pytest.raises(TypeError, match=rf"^{name}: parameter 1 must be a number, got str"):
            penalty([w, "a"], 1.0)
        with pytest.raises(TypeError, match=rf"^{name}: params must be a list of Values"):
            penalty(3, 1.0)
        with pytest.raises(TypeError, match=rf"^{name}: params must be a list of Values"):
            penalty(w, 1.0)


def test_a_bad_logit_is_named_by_example_and_position():
    with pytest.raises(TypeError, match="example 1 logit 0 must be a number, got str"):
        softmax_cross_entropy([[1.0, 2.0], ["a", 2.0]], [0, 1])


@pytest.mark.parametrize("alpha", [-0.1, math.nan, math.inf])
def test_a_penalty_weight_must_be_finite_and_not_negative(alpha):
    for penalty in (l1_penalty, l2_penalty):
        with pytest.raises(ValueError, match=r"alpha must be a number in \[0, inf\)"):
            penalty([1.0], alpha)


def test_softmax_cross_entropy_takes_rows_of_probabilities():
    rows = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]
    by_index = softmax_cross_entropy([[Value(z) for z in r] for r in rows], [2, 0])
    one_hot = softmax_cross_entropy([[Value(z) for z in r] for r in rows],
                                    [[0.0, 0.0, 1.0], [Value(1.0), Value(0.0), Value(0.0)]])
    assert one_hot.data == pytest.approx(by_index.data, rel=1e-12)
    soft = softmax_cross_entropy([rows[0]], [[0.25, 0.25, 0.5]])
    lse = math.log(sum(math.exp(z) for z in rows[0]))
    assert soft.data == pytest.approx(-sum(p * (z - lse) for p, z in zip([0.25, 0.25, 0.5],
                                                                         rows[0])), rel=1e-12)
    with pytest.raises(ValueError, match="row of 3 probabilities"):
        softmax_cross_entropy([rows[0]], [[0.5, 0.5]])


@pytest.mark.parametrize("loss, label", [(mse, 0.5), (bce_with_logits, 1.0), (hinge, -1.0)])
def test_labels_may_be_values_checked_by_their_data(loss, label):
    """A label Value (a compiled step's input slot) gives the number label's loss and grads."""
    z, z2 = Value(0.3), Value(0.3)
    a, b = loss([z], [Value(label)]), loss([z2], [label])
    a.backward()
    b.backward()
    assert (a.data, z.grad) == (b.data, z2.grad)
    with pytest.raises(ValueError):
        loss([z], [Value(7.0)]) if loss is not mse else bce_with_logits([z], [Value(7.0)])


def test_soft_labels_must_sum_to_one():
    logits = [[Value(1.0), Value(2.0)]]
    with pytest.raises(ValueError, match="label 0 is a row of probabilities that sums to 0.6"):
        softmax_cross_entropy(logits, [[0.3, 0.3]])
    p0, p1 = 1 / (1 + math.e), math.e / (1 + math.e)  # softmax of (1, 2)
    assert math.isclose(softmax_cross_entropy(logits, [[0.25, 0.75]]).data,
                        -(0.25 * math.log(p0) + 0.75 * math.log(p1)))
