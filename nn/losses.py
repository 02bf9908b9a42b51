"""Loss functions and penalties, each a mean over examples built from engine ops.

Every loss checks that predictions and labels pair up before computing anything. The
classification losses take raw scores (logits) and are written so that no `exp` can overflow.
Nothing here chooses by reading `.data`: a label given as a Value (an input slot of a compiled
step) passes through a recorded op whose domain check is the label's own rule, so a compiled
step checks every label on every call and raises the loss's own error, as the dynamic engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from autograd import Value, define_op, is_tracing, max_of, mean_of, sum_of
from nn.module import check_number, check_params, shown

Scalar = Value | float


# --- what a label must be: each rule once, read by the loss and by a compiled step ------------

Problem = Callable[[float], "str | None"]  # why a number is not a valid label; None if it is


def _sign(y: float) -> str | None:
    return None if y in (-1.0, 1.0) else "must be -1 or +1"


def _probability(y: float) -> str | None:
    return None if 0.0 <= y <= 1.0 else "must be a number in [0, 1]"  # NaN fails


def _sums_to_one(total: float) -> str | None:
    if math.isclose(total, 1.0, rel_tol=1e-9, abs_tol=1e-12):
        return None
    return f"is a row of probabilities that sums to {total!r}, not 1"


def _check(problem: Problem) -> Callable[..., tuple[type[ValueError], str] | None]:
    """`problem` as an op's domain check, read by `apply` and by compiled programs (on the last
    operand: the label, or a row's sum)."""
    def check(*operands: float) -> tuple[type[ValueError], str] | None:
        found = problem(operands[-1])
        return None if found is None else (ValueError, found)
    return check


# The ops a label Value passes through: the identity (partial 1, so a label's gradient is
# unchanged), checked by its rule. The row op returns the row's first probability and checks
# the row's sum, computed by recorded adds, so a compiled step sums the row at every call.
_GUARDS = {
    _sign: define_op("hinge_label", lambda y: y, lambda m, y, out: (1.0,), check=_check(_sign),
                     doc="nn: a hinge label, checked to be -1 or +1 wherever it is computed"),
    _probability: define_op("probability_label", lambda y: y, lambda m, y, out: (1.0,),
                            check=_check(_probability),
                            doc="nn: a probability label, checked to be in [0, 1]"),
    _sums_to_one: define_op("probability_row", lambda p, total: p,
                            lambda m, p, total, out: (1.0, 0.0), check=_check(_sums_to_one),
                            doc="nn: a row's first probability, the row's sum checked to be 1"),
}


def _pairs(preds: object, labels: object, where: str) -> tuple[list, list]:
    """Both arguments as lists of equal, non-zero length; a clear error otherwise."""
    for name, seq in (("predictions", preds), ("labels", labels)):
        if isinstance(seq, (str, bytes, Value)) or not isinstance(seq, Sequence):
            raise TypeError(f"{where}: {name} must be a list, got {type(seq).__name__}")
    if len(preds) != len(labels):
        raise ValueError(f"{where}: {len(preds)} predictions but {len(labels)} labels")
    if not preds:
        raise ValueError(f"{where}: needs at least one example, got none")
    return list(preds), list(labels)


def _value(x: object, where: str, what: str) -> Value:
    """`x` if it is a Value, else the number `x` as a constant Value."""
    return x if isinstance(x, Value) else Value(check_number(x, what, where))


def _scalar(x: object, where: str, i: int) -> Value:
    """A prediction may be a Value, a number, or a one-element list (a layer's output)."""
    if isinstance(x, list) and len(x) == 1:
        x = x[0]
    return _value(x, where, f"prediction {i}")


def _label(y: object, what: str, where: str, rule: Problem | None = None) -> Scalar:
    """A label or target: a number, checked by `rule`; or a Value (a compiled step's input
    slot, say), checked now and passed through the rule's op, which checks it at every call."""
    number = check_number(y.data if isinstance(y, Value) else y, what, where)
    problem = None if rule is None else rule(number)
    if problem is not None:
        given = number if isinstance(y, Value) else y
        raise ValueError(f"{where}: {what} {problem}, got {shown(given)}")
    if isinstance(y, Value):
        return y if rule is None else _GUARDS[rule](y)
    return number


def mse(preds: Sequence[Scalar], targets: Sequence[float]) -> Value:
    """Mean squared error, mean((pred - target)^2): the regression loss."""
    preds, targets = _pairs(preds, targets, "mse")
    ps = [_scalar(p, "mse", i) for i, p in enumerate(preds)]
    ts = [_label(t, f"target {i}", "mse") for i, t in enumerate(targets)]
    return mean_of([(p - t) ** 2 for p, t in zip(ps, ts)])


def bce_with_logits(logits: Sequence[Scalar], labels: Sequence[float]) -> Value:
    """Binary cross-entropy of sigmoid(logit) against labels in [0, 1], without a sigmoid.

    -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z, and softplus never overflows.
    """
    logits, labels = _pairs(logits, labels, "bce_with_logits")
    zs = [_scalar(z, "bce_with_logits", i) for i, z in enumerate(logits)]
    ys = [_label(y, f"label {i}", "bce_with_logits", _probability) for i, y in enumerate(labels)]
    return mean_of([z.softplus() - y * z for z, y in zip(zs, ys)])


def softmax_cross_entropy(logits: Sequence[Sequence[Scalar]], labels: Sequence) -> Value:
    """Mean of -log softmax(z)[label] over examples, for k-class classification.

    A label is a class index, or a row of k probabilities (one-hot or soft labels; numbers, or
    Values such as a compiled step's inputs): then the loss is -sum_k p_k log softmax(z)_k.
    Uses log-sum-exp shifted by the largest logit, m + log(sum(exp(z - m))), so no exp sees a
    positive argument. The shift is `stop_gradient(max_of(z))`: recorded (a compiled step
    recomputes it), with no gradient through it, which the math does not need: the gradient,
    softmax(z) - onehot, is the same for any shift.
    """
    rows, labels = _pairs(logits, labels, "softmax_cross_entropy")
    k = None
    losses = []
    for i, (row, label) in enumerate(zip(rows, labels)):
        if isinstance(row, (str, bytes, Value)) or not isinstance(row, Sequence) or not row:
            raise TypeError(f"softmax_cross_entropy: example {i} must be a non-empty list of "
                            f"logits, got {type(row).__name__}")
        k = len(row) if k is None else k
        if len(row) != k:
            raise ValueError(f"softmax_cross_entropy: example {i} has {len(row)} logits, "
                             f"example 0 has {k}")
        if isinstance(label, (list, tuple)) and len(label) == k:
            label = [_label(p, f"label {i}", "softmax_cross_entropy", _probability)
                     for p in label]
            total = sum_of(label)  # the sum a compiled step computes: the same float additions
            problem = _sums_to_one(total.data)
            if problem is not None:
                raise ValueError(f"softmax_cross_entropy: label {i} {problem}")
            if any(isinstance(p, Value) for p in label):
                label[0] = _GUARDS[_sums_to_one](label[0], total)
        elif isinstance(label, Value) and is_tracing():
            raise ValueError(f"softmax_cross_entropy: label {i} is an input slot of "
                             "autograd.compile (every number argument is), but a class index "
                             "chooses a logit, a choice a compiled program cannot make again on "
                             f"new labels: pass each label as a row of {k} probabilities "
                             "(one-hot), which a compiled step takes as inputs")
        elif isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < k:
            raise ValueError(f"softmax_cross_entropy: label {i} must be a class index in "
                             f"0..{k - 1} or a row of {k} probabilities, got {shown(label)}")
        zs = [_value(z, "softmax_cross_entropy", f"example {i} logit {j}")
              for j, z in enumerate(row)]
        losses.append((zs, label))
    out = []
    for zs, label in losses:
        m = max_of(zs).stop_gradient()
        lse = sum_of([(z - m).exp() for z in zs]).log() + m
        if isinstance(label, int):
            out.append(lse - zs[label])
        else:  # -sum_k p_k (z_k - lse)
            out.append(sum_of([p * (lse - z) for p, z in zip(label, zs)]))
    return mean_of(out)


def hinge(scores: Sequence[Scalar], labels: Sequence[float]) -> Value:
    """Max-margin loss mean(relu(1 - y * score)) for labels -1 or +1: micrograd's demo loss."""
    scores, labels = _pairs(scores, labels, "hinge")
    ss = [_scalar(s, "hinge", i) for i, s in enumerate(scores)]
    ys = [_label(y, f"label {i}", "hinge", _sign) for i, y in enumerate(labels)]
    return mean_of([(1 - y * s).relu() for s, y in zip(ss, ys)])


def l2_penalty(params: Iterable[Scalar], alpha: float) -> Value:
    """alpha * sum(p^2): weight decay as a loss term, pulls every weight toward 0."""
    alpha = check_number(alpha, "alpha", "l2_penalty", 0.0, below=math.inf)
    return alpha * sum_of([p * p for p in check_params(params, "l2_penalty", numbers=True)])


def l1_penalty(params: Iterable[Scalar], alpha: float) -> Value:
    """alpha * sum(|p|): pushes small weights to exactly 0 (sparsity)."""
    alpha = check_number(alpha, "alpha", "l1_penalty", 0.0, below=math.inf)
    return alpha * sum_of([abs(p) for p in check_params(params, "l1_penalty", numbers=True)])


def accuracy(predicted: Sequence[int], labels: Sequence[int]) -> float:
    """The fraction of predicted labels equal to the true ones (a metric, not differentiable)."""
    predicted, labels = _pairs(predicted, labels, "accuracy")
    return sum(p == y for p, y in zip(predicted, labels)) / len(labels)
