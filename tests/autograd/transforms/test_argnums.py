"""argnums, read one way by every transform: negative positions resolved against the arguments
given, then a second spelling of one argument refused (it silently aliased a block to zeros)."""

from __future__ import annotations

import struct

import pytest

import autograd
from autograd import grad, hessian, jacobian, value_and_grad
from autograd.transforms.argnums import normalize_argnums


def f(x, y, z):
    return x * x * y + y.sin() * z - z * z * x


POINT = (0.7, -1.3, 2.1)


def _compiled(fn, argnums):
    return lambda *args: autograd.compile(fn, *args, argnums=argnums)(*args)


TRANSFORMS = {
    "grad": lambda fn, argnums: grad(fn, argnums),
    "value_and_grad": lambda fn, argnums: value_and_grad(fn, argnums),
    "jacobian": lambda fn, argnums: jacobian(fn, argnums),
    "jacobian_fwd": lambda fn, argnums: jacobian(fn, argnums, mode="fwd"),
    "hessian": lambda fn, argnums: hessian(fn, argnums),
    "compile": _compiled,
    "compile_check": lambda fn, argnums: (
        lambda *args: autograd.compile(fn, *args, argnums=argnums, check=True)(*args)),
}


def bits(tree):
    """Every float of a nest of tuples and lists, as exact bits (equal trees, equal bits)."""
    if isinstance(tree, (tuple, list)):
        return [bits(t) for t in tree]
    return struct.pack("<d", tree)


def test_the_reproducer_two_spellings_of_one_argument_is_refused():
    with pytest.raises(ValueError, match=r"jacobian: argnums names an argument twice: 0 and -2 "
                                         r"both name argument 0 of the 2 given"):
        jacobian(lambda x, y: x * x * y, argnums=(0, -2))(2.0, 3.0)
    with pytest.raises(ValueError, match=r"hessian: argnums names an argument twice: 0 and -2"):
        hessian(lambda x, y: x * x * y, argnums=(0, -2))(2.0, 3.0)


@pytest.mark.parametrize("argnums", [(0, 0), (0, -2), (-2, 0), (1, -1), (-1, -1)])
def test_compile_refuses_an_argument_named_twice(argnums):
    for check in (False, True):
        with pytest.raises(ValueError, match="argnums names an argument twice"):
            autograd.compile(lambda x, y: x * x * y, 2.0, 3.0, argnums=argnums, check=check)


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@pytest.mark.parametrize(("argnums", "first", "second"),
                         [((0, -3), 0, -3), ((-1, 2), -1, 2), ((1, 0, -2), 1, -2),
                          ((2, -1), 2, -1)])
def test_every_transform_refuses_two_spellings_of_one_argument(name, argnums, first, second):
    transform = TRANSFORMS[name](f, argnums)
    fn = name.removesuffix("_fwd").removesuffix("_check")
    with pytest.raises(ValueError, match=rf"{fn}: argnums names an argument twice: {first} and "
                                         rf"{second} both name argument {first % 3} of the 3 "
                                         rf"given"):
        transform(*POINT)


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_the_same_spelling_twice_is_refused_when_the_transform_is_made(name):
    made = TRANSFORMS[name]
    if name.startswith("compile"):  # compile traces at once: made and called together
        with pytest.raises(ValueError, match="argnums names an argument twice: 1 and 1"):
            made(f, (1, 1))(*POINT)
        return
    with pytest.raises(ValueError, match="argnums names an argument twice: 1 and 1"):
        made(f, (1, 1))


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_negative_positions_count_from_the_end_bit_for_bit(name):
    made = TRANSFORMS[name]
    for negative, positive in (((-1, -3), (2, 0)), ((-2,), (1,)), (-3, 0), ((0, -1), (0, 2))):
        assert bits(made(f, negative)(*POINT)) == bits(made(f, positive)(*POINT))


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@pytest.mark.parametrize("argnums", [3, -4, (0, 3), (-4, 1)])
def test_every_transform_refuses_a_position_out_of_range(name, argnums):
    with pytest.raises(IndexError, match=r"argnums -?\d is out of range for 3 arguments"):
        TRANSFORMS[name](f, argnums)(*POINT)


# compile's argnums=None means "no argnums" (gradients go to captured Values): not refused.
@pytest.mark.parametrize(("name", "argnums"), [
    (name, argnums) for name in sorted(TRANSFORMS)
    for argnums in (True, (0, False), 1.0, "0", None, (), (0, "1"), [0, 1.5])
    if not (argnums is None and name.startswith("compile"))])
def test_every_transform_refuses_argnums_that_are_not_ints(name, argnums):
    with pytest.raises(TypeError, match="argnums must be an int or a non-empty tuple of ints"):
        TRANSFORMS[name](f, argnums)(*POINT)


def test_normalize_argnums_resolves_and_keeps_the_order_given():
    assert normalize_argnums(-1, 3) == (2,)
    assert normalize_argnums((2, -3, 1), 3) == (2, 0, 1)
    assert normalize_argnums([0, -1]) == (0, -1)  # without nargs: checked, not resolved
    with pytest.raises(ValueError, match=r"vjp: argnums names an argument twice: -1 and 2 both "
                                         r"name argument 2 of the 3 given \(argnums=\(-1, 2\)\)"):
        normalize_argnums((-1, 2), 3, fn="vjp")
