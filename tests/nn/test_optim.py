"""Optimizers against PyTorch's update equations worked by hand; schedules; clipping."""

import math

import pytest

from autograd import Value
from nn import SGD, Adam, AdamW, CosineLR, ExponentialLR, StepLR, clip_grad_norm

# The loss is f(p) = p^3 / 3 + p, so grad = p^2 + 1: it changes with p, which makes each step
# depend on the one before (a constant gradient would hide order mistakes).


def grad_of(p):
    return p * p + 1.0


def run(optimizer_class, start, steps, **options):
    p = Value(start)
    opt = optimizer_class([p], **options)
    for _ in range(steps):
        opt.zero_grad()
        (p**3 / 3 + p).backward()
        opt.step()
    return p.data, opt


@pytest.mark.parametrize("nesterov, dampening", [(False, 0.0), (True, 0.0), (False, 0.3)])
def test_sgd_momentum_matches_the_pytorch_equations(nesterov, dampening):
    lr, mu, wd, start = 0.1, 0.9, 0.01, 0.8
    got, _ = run(SGD, start, 4, lr=lr, momentum=mu, nesterov=nesterov, dampening=dampening,
                 weight_decay=wd)
    # torch.optim.SGD, written out:
    #   g_t = grad(p) + wd * p
    #   b_1 = g_1;  b_t = mu * b_{t-1} + (1 - dampening) * g_t
    #   g_t = g_t + mu * b_t  (Nesterov)  or  g_t = b_t
    #   p   = p - lr * g_t
    p, b = start, None
    for _ in range(4):
        g = grad_of(p) + wd * p
        b = g if b is None else mu * b + (1 - dampening) * g
        g = g + mu * b if nesterov else b
        p = p - lr * g
    assert got == pytest.approx(p, rel=1e-12)


def test_plain_sgd_is_gradient_descent():
    got, opt = run(SGD, 0.5, 1, lr=0.1)
    assert got == pytest.approx(0.5 - 0.1 * grad_of(0.5), rel=1e-12)
    assert opt.steps == 1


@pytest.mark.parametrize("cls, wd", [(Adam, 0.0), (Adam, 0.05), (AdamW, 0.05)])
def test_adam_matches_the_pytorch_equations(cls, wd):
    lr, b1, b2, eps, start = 0.01, 0.9, 0.999, 1e-8, 0.8
    got, opt = run(cls, start, 5, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    # torch.optim.Adam / AdamW, written out:
    #   AdamW: p = p - lr * wd * p          Adam: g = grad + wd * p
    #   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
    #   p = p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    p, m, v = start, 0.0, 0.0
    for t in range(1, 6):
        g = grad_of(p)
        if cls is AdamW:
            p = p - lr * wd * p
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
    assert got == pytest.approx(p, rel=1e-12)
    assert opt.m[0] == pytest.approx(m, rel=1e-12) and opt.steps == 5


def test_adam_first_step_moves_each_parameter_by_about_lr():
    ps = [Value(1.0), Value(1.0)]
    opt = Adam(ps, lr=0.1)
    ps[0].grad, ps[1].grad = 1e-3, 50.0  # very different scales, the same step size
    opt.step()
    assert ps[0].data == pytest.approx(0.9, rel=1e-4) and ps[1].data == pytest.approx(0.9)


def test_optimizers_keep_state_to_themselves():
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = 1.0
    opt.step()
    assert opt.buffers == [1.0]
    assert not hasattr(p, "__dict__")  # nothing can be stored on a Value
    assert AdamW([p]).weight_decay == 0.01  # PyTorch's default


def test_zero_grad():
    ps = [Value(1.0), Value(2.0)]
    for p in ps:
        p.grad = 3.0
    SGD(ps, lr=0.1).zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


@pytest.mark.parametrize("make, message", [
    (lambda p: SGD([p], lr=-1.0), "lr"),
    (lambda p: SGD([p], lr=0.1, momentum=1.5), "momentum"),
    (lambda p: SGD([p], lr=0.1, nesterov=True), "nesterov"),
    (lambda p: Adam([p], betas=(0.9,)), "betas"),
    (lambda p: Adam([p], betas=(0.9, 1.0)), "beta2"),
    (lambda p: Adam([p, p]), "twice"),
    (lambda p: Adam([]), "empty"),
    (lambda p: Adam([1.0]), "must be a Value"),
    (lambda p: SGD([p], lr="0.1"), "lr"),
])
def test_bad_hyperparameters_are_clear_errors(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make(Value(1.0))


def test_step_schedule():
    opt = SGD([Value(1.0)], lr=1.0)
    schedule = StepLR(opt, step_size=3, gamma=0.5)
    lrs = [schedule.step() for _ in range(7)]
    assert lrs == [1.0 * 0.5 ** (e // 3) for e in range(1, 8)]
    assert opt.lr == lrs[-1]


def test_exponential_schedule():
    opt = Adam([Value(1.0)], lr=0.1)
    schedule = ExponentialLR(opt, gamma=0.9)
    lrs = [schedule.step() for _ in range(4)]
    assert lrs == pytest.approx([0.1 * 0.9**e for e in range(1, 5)], rel=1e-12)
    same = StepLR(Adam([Value(1.0)], lr=0.1), step_size=1, gamma=0.9)
    assert lrs == [same.step() for _ in range(4)]  # exactly StepLR with step_size 1
    with pytest.raises(ValueError, match="^ExponentialLR: gamma"):
        ExponentialLR(opt, gamma=-0.5)


@pytest.mark.parametrize("make, message", [
    (lambda opt: StepLR(opt, step_size=0), "^StepLR: step_size must be a positive int"),
    (lambda opt: StepLR(opt, step_size=1.5), "^StepLR: step_size must be a positive int"),
    (lambda opt: CosineLR(opt, total=True), "^CosineLR: total must be a positive int"),
    (lambda opt: CosineLR(opt, total=4, min_lr=-1.0), "^CosineLR: min_lr"),
])
def test_bad_schedule_arguments_are_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make(SGD([Value(1.0)], lr=1.0))


def test_cosine_schedule_goes_from_base_to_min_and_stays():
    opt = SGD([Value(1.0)], lr=1.0)
    schedule = CosineLR(opt, total=4, min_lr=0.1)
    lrs = [schedule.step() for _ in range(6)]
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * min(e, 4) / 4)) / 2 for e in range(1, 7)]
    assert lrs == pytest.approx(expected, rel=1e-12)
    assert lrs[3] == pytest.approx(0.1) and lrs[5] == pytest.approx(0.1)


def test_optimizers_read_a_create_graph_gradient_by_its_value():
    with_value, with_float = Value(1.0), Value(1.0)
    with_value.grad, with_float.grad = Value(2.0), 2.0
    for cls in (SGD, Adam):
        cls([with_value], lr=0.1).step()
        cls([with_float], lr=0.1).step()
        assert with_value.data == with_float.data
    assert clip_grad_norm([with_value], 1.0) == 2.0
    assert with_value.grad == pytest.approx(1.0, rel=1e-5)


def test_dampening_may_be_one_but_no_more():
    assert SGD([Value(1.0)], lr=0.1, momentum=0.9, dampening=1.0).dampening == 1.0
    with pytest.raises(ValueError, match=r"dampening must be a number in \[0, 1\]"):
        SGD([Value(1.0)], lr=0.1, momentum=0.9, dampening=1.01)


def test_clip_grad_norm_scales_all_gradients_together():
    ps = [Value(0.0), Value(0.0)]
    ps[0].grad, ps[1].grad = 3.0, 4.0
    total = clip_grad_norm(ps, 1.0)
    assert total == 5.0
    assert ps[0].grad == pytest.approx(0.6, rel=1e-5) and ps[1].grad == pytest.approx(0.8, rel=1e-5)
    assert clip_grad_norm(ps, 10.0) == pytest.approx(1.0, rel=1e-5)
    assert ps[0].grad == pytest.approx(0.6, rel=1e-5)  # under the limit: unchanged


OPTIMIZERS = [
    lambda ps: SGD(ps, lr=0.1),
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
    lambda ps: Adam(ps, lr=0.1, weight_decay=0.1),
    lambda ps: AdamW(ps, lr=0.1),
]


def optimizer_state(opt):
    return {k: list(v) if isinstance(v, list) else v for k, v in vars(opt).items()
            if k != "params"}


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize("bad", [None, "0.5", True, [1.0]])
def test_an_unusable_grad_changes_no_parameter_and_no_state(make, bad):
    ps = [Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")]
    for p in ps:
        p.grad = 0.5
    opt = make(ps)
    opt.step()  # some state to keep: moments, buffers, one step
    before, state = [p.data for p in ps], optimizer_state(opt)
    ps[2].grad = bad  # the last one: the earlier ones would already have moved
    with pytest.raises(TypeError, match=r"the \.grad of parameter 2 \('c'\) must be a number, "
                                        rf"got {type(bad).__name__}"):
        opt.step()
    assert [p.data for p in ps] == before
    assert optimizer_state(opt) == state


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_an_unusable_data_or_lr_changes_nothing(make):
    ps = [Value(1.0), Value(2.0)]
    opt = make(ps)
    ps[1].data = "2.0"
    with pytest.raises(TypeError, match=r"the \.data of parameter 1 must be a number"):
        opt.step()
    assert ps[0].data == 1.0 and opt.steps == 0
    ps[1].data, opt.lr = 2.0, math.nan
    with pytest.raises(ValueError, match="lr must be a number >= 0, got nan"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0] and opt.steps == 0


def test_adam_refuses_eps_zero_so_a_zero_gradient_cannot_divide_by_zero():
    for cls in (Adam, AdamW):
        with pytest.raises(ValueError, match=r"eps must be a number in \(0, inf\), got 0"):
            cls([Value(1.0)], eps=0)
    p = Value(1.0)  # the smallest eps allowed still gives a zero step for a zero gradient
    Adam([p], lr=0.1, eps=5e-324).step()
    assert p.data == 1.0


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: SGD(3), TypeError, "SGD: params must be a list of Values, got int"),
    (lambda: Adam(Value(1.0)), TypeError, "Adam: params must be a list of Values, got Value"),
    (lambda: SGD([Value(1.0)], momentum=0.9, nesterov="yes"), TypeError, "nesterov must be a bool"),
])
def test_bad_optimizer_arguments_say_what_was_expected(make, error, message):
    with pytest.raises(error, match=message):
        make()


def grads_set(*grads):
    ps = [Value(0.0, f"p{i}") for i in range(len(grads))]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


@pytest.mark.parametrize("scale", [1.0, 1e-200, 1e200, 1e300])
def test_clip_grad_norm_works_at_every_scale(scale):
    ps = grads_set(3.0 * scale, -4.0 * scale)
    assert clip_grad_norm(ps, 1.0) == pytest.approx(5.0 * scale, rel=1e-15)
    expected = [0.6, -0.8] if 5.0 * scale > 1.0 else [3.0 * scale, -4.0 * scale]
    assert [p.grad for p in ps] == pytest.approx(expected, rel=1e-5)


def test_clip_grad_norm_clips_finite_grads_whose_norm_is_beyond_the_float_range():
    ps = grads_set(1.5e308, 1.5e308)
    assert clip_grad_norm(ps, 2.0) == math.inf  # the true norm, 2.1e308, is not a float
    assert [p.grad for p in ps] == pytest.approx([math.sqrt(2)] * 2, rel=1e-12)


@pytest.mark.parametrize(("grads", "norm"), [
    ((1.0, math.inf), math.inf), ((math.nan, 1.0), math.nan), ((math.nan, -math.inf), math.inf),
])
def test_clip_grad_norm_leaves_inf_and_nan_gradients_alone_or_refuses(grads, norm):
    ps = grads_set(*grads)
    total = clip_grad_norm(ps, 1.0)
    assert total == norm or (math.isnan(total) and math.isnan(norm))
    assert [p.grad for p in ps] == pytest.approx(list(grads), nan_ok=True)
    bad = next(i for i, g in enumerate(grads) if not math.isfinite(g))
    with pytest.raises(ValueError, match=rf"the \.grad of parameter {bad} \('p{bad}'\) is"):
        clip_grad_norm(ps, 1.0, error_if_nonfinite=True)
    assert [p.grad for p in ps] == pytest.approx(list(grads), nan_ok=True)


@pytest.mark.parametrize(("params", "message"), [
    (3, "params must be a list of Values, got int"),
    ([1.0], "parameter 0 must be a Value, got float"),
    (grads_set(1.0, None), r"the \.grad of parameter 1 \('p1'\) must be a number, got NoneType"),
])
def test_clip_grad_norm_refuses_what_is_not_a_gradient(params, message):
    with pytest.raises(TypeError, match=message):
        clip_grad_norm(params, 1.0)


def test_a_growing_schedule_overflows_to_inf_not_an_error():
    opt = SGD([Value(1.0)], lr=1.0)
    schedule = StepLR(opt, step_size=1, gamma=10.0)
    lrs = [schedule.step() for _ in range(400)]
    assert lrs[307] == pytest.approx(1e308) and lrs[308:] == [math.inf] * 92  # IEEE, as the ops
    assert opt.lr == math.inf
    still = StepLR(SGD([Value(1.0)], lr=0.0), step_size=1, gamma=10.0)
    assert [still.step() for _ in range(400)] == [0.0] * 400  # a zero rate stays zero, not nan
