"""Optimizers, learning-rate schedules and gradient clipping, following PyTorch's update rules.

An optimizer reads each parameter's `.grad` and changes its `.data` (plain floats, no graph).
Its state (momentum buffers, Adam's moments, the step count) lives in the optimizer, in lists
aligned with its parameters, never on the Values themselves. A step reads and checks every
`.grad` first and changes nothing (no parameter, no state) if one is unusable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value
from nn.module import check_count, check_number, check_params, shown


def _rate(x: object, name: str, where: str, below: float = math.inf) -> float:
    """A hyperparameter in [0, below): ValueError otherwise, even for a non-number (as always)."""
    return check_number(x, name, where, 0.0, below=below, type_error=ValueError)


def _named(p: Value, i: int) -> str:
    """How an error names parameter `i`: by its label where it has one."""
    return f"parameter {i} ({p.label!r})" if p.label else f"parameter {i}"


def read_grads(params: list[Value], where: str) -> list[float]:
    """Every parameter's `.grad` as a float, all checked before any is used.

    A Value grad (after `backward(create_graph=True)`) counts by its value; anything else that is
    not a number (None, a str, a bool) is a TypeError naming the parameter.
    """
    grads = []
    for i, p in enumerate(params):
        g = p.grad.data if isinstance(p.grad, Value) else p.grad
        grads.append(check_number(g, f"the .grad of {_named(p, i)}", where))
    return grads


def _read_data(params: list[Value], where: str) -> list[float]:
    """Every parameter's `.data` as a float (a user may have assigned anything to it)."""
    return [check_number(p.data, f"the .data of {_named(p, i)}", where)
            for i, p in enumerate(params)]


class Optimizer:
    """Holds the parameters and the learning rate `lr` (which schedules change)."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        where = type(self).__name__
        params = check_params(params, where)
        if not params:
            raise ValueError(f"{where}: got an empty parameter list")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{where}: a parameter appears twice; it would be updated twice")
        self.lr = _rate(lr, "lr", where)
        self.params = params
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's `.grad` to 0.0 (gradients accumulate otherwise)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError

    def _inputs(self) -> tuple[float, list[float], list[float]]:
        """(lr, every .data, every .grad), all checked before a step changes anything."""
        where = type(self).__name__
        lr = check_number(self.lr, "lr", where, 0.0)  # a schedule may have set it
        return lr, _read_data(self.params, where), read_grads(self.params, where)

    def _commit(self, data: list[float]) -> None:
        for p, x in zip(self.params, data):
            p.data = x
        self.steps += 1


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    torch.optim.SGD: g = grad + wd*p; b = g (first step) else mu*b + (1-dampening)*g;
    g = g + mu*b (Nesterov) or g = b; p = p - lr*g.
    """

    def __init__(
        self, params: Iterable[Value], lr: float = 0.01, momentum: float = 0.0, *,
        dampening: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0,
    ) -> None:
        momentum = _rate(momentum, "momentum", "SGD", below=1.0)
        dampening = check_number(dampening, "dampening", "SGD", 0.0, 1.0, type_error=ValueError)
        weight_decay = _rate(weight_decay, "weight_decay", "SGD")
        if not isinstance(nesterov, bool):
            raise TypeError(f"SGD: nesterov must be a bool, got {type(nesterov).__name__}")
        if nesterov and (momentum == 0 or dampening != 0):
            raise ValueError("SGD: nesterov needs momentum > 0 and dampening = 0")
        super().__init__(params, lr)
        self.momentum, self.dampening = momentum, dampening
        self.nesterov, self.weight_decay = bool(nesterov), weight_decay
        self.buffers: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        """One update of every parameter's `.data` from its `.grad`."""
        mu, wd = self.momentum, self.weight_decay
        lr, data, grads = self._inputs()
        buffers, new = list(self.buffers), []
        for i, (x, g) in enumerate(zip(data, grads)):
            if wd:
                g += wd * x
            if mu:
                b = buffers[i]
                b = buffers[i] = g if b is None else mu * b + (1.0 - self.dampening) * g
                g = g + mu * b if self.nesterov else b
            new.append(x - lr * g)
        self.buffers = buffers
        self._commit(new)


class Adam(Optimizer):
    """Adam: per-parameter steps from running means of the gradient and its square.

    torch.optim.Adam: g = grad + wd*p; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
    p = p - lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps).
    NB: eps must be > 0 (PyTorch allows 0, and then a zero gradient gives 0/0 = nan).
    """

    decoupled = False  # AdamW decays the weights directly instead of through the gradient

    def __init__(
        self, params: Iterable[Value], lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8, weight_decay: float = 0.0,
    ) -> None:
        where = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{where}: betas must be a pair (beta1, beta2), got {shown(betas)}")
        b1 = _rate(betas[0], "beta1", where, below=1.0)
        b2 = _rate(betas[1], "beta2", where, below=1.0)
        eps = check_number(eps, "eps", where, above=0.0, below=math.inf, type_error=ValueError)
        weight_decay = _rate(weight_decay, "weight_decay", where)
        super().__init__(params, lr)
        self.betas, self.eps, self.weight_decay = (b1, b2), eps, weight_decay
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter's `.data` from its `.grad`."""
        (b1, b2), wd = self.betas, self.weight_decay
        lr, data, grads = self._inputs()
        t = self.steps + 1
        fix1, fix2 = 1.0 - b1**t, 1.0 - b2**t  # > 0: each beta is < 1
        ms, vs, new = list(self.m), list(self.v), []
        for i, (x, g) in enumerate(zip(data, grads)):
            if wd and self.decoupled:
                x -= lr * wd * x
            elif wd:
                g += wd * x
            m = ms[i] = b1 * ms[i] + (1.0 - b1) * g
            v = vs[i] = b2 * vs[i] + (1.0 - b2) * g * g
            new.append(x - lr * (m / fix1) / (math.sqrt(v / fix2) + self.eps))
        self.m, self.v = ms, vs
        self._commit(new)


class AdamW(Adam):
    """Adam with decoupled weight decay: p = p - lr*wd*p, then the Adam step on the raw grad.

    torch.optim.AdamW (default weight_decay 0.01): decay no longer scales with 1/sqrt(v).
    """

    decoupled = True

    def __init__(
        self, params: Iterable[Value], lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8, weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class Schedule:
    """Sets `optimizer.lr` from the epoch count: call `step()` once per epoch (or per step)."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> float:
        """Advance one epoch and set the optimizer's lr; returns the new lr."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr


class StepLR(Schedule):
    """lr = base * gamma ** (epoch // step_size): drop by `gamma` every `step_size` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        where = type(self).__name__
        self.step_size = check_count(step_size, "step_size", where, type_error=ValueError)
        self.gamma = _rate(gamma, "gamma", where)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        """IEEE policy, as the engine's ops: a gamma > 1 that overflows gives lr = inf."""
        if self.base_lr == 0:
            return 0.0  # 0 * inf would be nan; a zero rate stays zero
        try:
            factor = self.gamma ** (epoch // self.step_size)
        except OverflowError:
            factor = math.inf
        return self.base_lr * factor


class ExponentialLR(StepLR):
    """lr = base * gamma ** epoch: a smooth decay every epoch (StepLR with step_size 1)."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer, 1, gamma)


class CosineLR(Schedule):
    """lr = min_lr + (base - min_lr) * (1 + cos(pi * epoch / total)) / 2, flat after `total`.

    PyTorch's CosineAnnealingLR closed form (NB: it restarts upward past T_max; this stays).
    """

    def __init__(self, optimizer: Optimizer, total: int, min_lr: float = 0.0) -> None:
        self.total = check_count(total, "total", "CosineLR", type_error=ValueError)
        self.min_lr = _rate(min_lr, "min_lr", "CosineLR")
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        progress = min(epoch, self.total) / self.total
        return self.min_lr + (self.base_lr - self.min_lr) * (1 + math.cos(math.pi * progress)) / 2


def clip_grad_norm(
    params: Iterable[Value], max_norm: float, *, error_if_nonfinite: bool = False
) -> float:
    """Scale all gradients together so their global L2 norm is at most `max_norm`.

    Returns the norm before clipping. Keeps the direction, bounds the step: the fix for
    exploding gradients (as torch.nn.utils.clip_grad_norm_, with its 1e-6 guard). The norm is
    `math.hypot` of the gradients: no overflow on the way, and finite gradients are clipped
    correctly even when their norm is beyond the float range (it is then returned as inf). An inf
    or nan gradient changes no gradient and the norm (inf or nan) is returned (NB: PyTorch scales
    anyway, making every grad 0 or nan); `error_if_nonfinite=True` raises a ValueError instead.
    """
    max_norm = _rate(max_norm, "max_norm", "clip_grad_norm")
    if not isinstance(error_if_nonfinite, bool):
        raise TypeError(f"clip_grad_norm: error_if_nonfinite must be a bool, "
                        f"got {type(error_if_nonfinite).__name__}")
    params = check_params(params, "clip_grad_norm")
    grads = read_grads(params, "clip_grad_norm")
    total = math.hypot(*grads)  # inf if the norm overflows, even when every grad is finite
    bad = next((i for i, g in enumerate(grads) if not math.isfinite(g)), None)
    if bad is not None:
        if error_if_nonfinite:
            raise ValueError(f"clip_grad_norm: the gradient norm is {total}: the .grad of "
                             f"{_named(params[bad], bad)} is {grads[bad]}")
        return total
    if max_norm < total + 1e-6:
        if math.isfinite(total):
            clipped = [g / (total + 1e-6) * max_norm for g in grads]  # |g| / total <= 1
        else:  # finite grads whose norm is beyond the float range: scale by the largest first
            biggest = max(abs(g) for g in grads)
            units = [g / biggest for g in grads]
            norm = math.hypot(*units)  # in [1, sqrt(len(grads))]
            clipped = [u / norm * max_norm for u in units]
        for p, g in zip(params, clipped):
            p.grad = g
    return total
