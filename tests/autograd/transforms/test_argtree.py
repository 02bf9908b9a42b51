"""Argument trees (transforms/argtree.py): the one walk forward mode, the transforms and compile
share, iterative, with the leaf test and its error the caller's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, jacobian, jvp
from autograd.transforms.argtree import flatten, lengths, path_name, position, unflatten
from autograd.transforms.forward import Dual, flatten_args, flatten_out, unflatten_args


class Row(list):
    """A list subclass: forward mode takes it as a list; compile refuses it (f may need it)."""


def kept(x, place):
    return x


def refused(x, place):
    raise TypeError(f"leaf at {place!r}")


trees = st.recursive(st.floats(allow_nan=False),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.lists(inner, max_size=4).map(tuple), max_leaves=20)


@given(st.lists(trees, max_size=4))
def test_unflatten_puts_the_leaves_back_in_their_places(args):
    places: list = []
    leaves, spec = flatten(args, kept, places=places)
    assert unflatten(spec, leaves) == tuple(args)
    for leaf, place in zip(leaves, places, strict=True):  # each place indexes its leaf
        argument, indices = position(place)
        item = args[argument]
        for j in indices:
            item = item[j]
        assert item is leaf
    # the types come back too: a tuple stays a tuple, a list a list (== alone would not say)
    assert repr(unflatten(spec, leaves)) == repr(tuple(args))
    assert lengths(spec) == [len(a) if isinstance(a, (list, tuple)) else None for a in args]


def test_deep_nesting_needs_no_recursion():
    deep: object = 1.0
    for _ in range(100_000):
        deep = [deep]
    leaves, spec = flatten((deep, 2.0), kept)
    assert leaves == [1.0, 2.0] and lengths(spec) == [1, None]
    again = unflatten(spec, [3.0, 4.0])
    assert again[1] == 4.0
    out, rebuild = flatten_out(deep, "test")  # f's results are walked by the same loop
    assert out == [1.0] and rebuild([5.0]) is not None


def test_depth_strict_and_lists():
    with pytest.raises(TypeError, match=r"leaf at \(0, 1\)"):
        flatten(([1.0, [2.0]],), lambda x, p: refused(x, p) if isinstance(x, list) else x,
                depth=1)
    assert flatten((Row([1.0]),), kept) == ([Row([1.0])], ((tuple, 1), None))
    assert flatten((Row([1.0]),), kept, strict=False) == ([1.0], ((tuple, 1), (list, 1), None))
    leaves, spec = flatten(((1.0, 2.0),), kept, as_lists=True)
    assert unflatten(spec, leaves) == [[1.0, 2.0]]
    assert path_name(((0, 3), 1), ["xs"]) == "xs[3][1]" and path_name((2, 0), ["x"]) == "args[2][0]"


# Both callers' messages, as they were before they shared the walk.
FORWARD = [
    (lambda: jvp(lambda x: x, ([1.0, [2.0]],), ([1.0, [2.0]],)), TypeError,
     "jvp: argument 0 must be a number or Value, or a list of them, got list ([2.0])"),
    (lambda: jvp(lambda x, y: x, (1.0, [2.0, "a"]), (1.0, [1.0, 1.0])), TypeError,
     "jvp: argument 1 must be a number or Value, or a list of them, got str ('a')"),
    (lambda: jvp(lambda x: x, (Dual(1.0, 1.0),), (1.0,)), TypeError,
     "jvp: argument 0 is a Dual (forward mode on numbers), which no other transform takes; "
     "give the outer jvp (or jacobian(mode='fwd')) Values"),
    (lambda: jvp(lambda x: x, (1.0, [1.0, 2.0]), ([1.0], (1.0, 2.0))), ValueError,
     "jvp: tangents must have the primals' shapes (number, list of 2), got (list of 1, list of 2)"),
]
COMPILE = [
    (lambda: autograd.compile(lambda xs, y: xs[0] * y, [1.0, [2.0, (3.0, "a")]], 1.0),
     "compile: argument xs[1][1][1] must be a number or a (nested) list or tuple of numbers, "
     "got str ('a')"),
    (lambda: autograd.compile(lambda *a: a[0] * a[1], 1.0, 2.0, [1.0, None]),
     "compile: argument args[2][1] must be a number or a (nested) list or tuple of numbers, "
     "got NoneType (None)"),
    (lambda: autograd.compile(lambda xs: xs[0], Row([1.0])),
     "compile: argument xs must be a number or a (nested) list or tuple of numbers, got Row "
     "([1.0])"),
]


@pytest.mark.parametrize(("call", "error", "message"), FORWARD)
def test_forward_modes_errors_are_its_own(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


@pytest.mark.parametrize(("call", "message"), COMPILE)
def test_compiles_errors_name_the_path(call, message):
    with pytest.raises(TypeError) as caught:
        call()
    assert str(caught.value) == message


def test_forward_mode_hands_f_lists_and_takes_one_level():
    seen = []

    def f(x):
        seen.append(type(x))
        return x[0] * x[1]

    assert jvp(f, ((2.0, 3.0),), ([1.0, 0.0],)) == (6.0, 3.0)
    assert jvp(f, (Row([2.0, 3.0]),), ((0.0, 1.0),)) == (6.0, 2.0)
    assert seen == [list, list]
    assert jacobian(lambda x: x)(Row([1.0, 2.0])) == [[1.0, 0.0], [0.0, 1.0]]
    flat, spec = flatten_args([1.0, (Value(2.0), 3)], "test")
    assert [type(x) for x in flat] == [float, Value, int]  # kept as given: no conversion
    assert unflatten_args(["a", "b", "c"], spec) == ["a", ["b", "c"]]


def test_results_keep_their_containers():
    leaves, rebuild = flatten_out([1.0, (2.0, [3.0]), Row([4.0])], "test")
    assert leaves == [1.0, 2.0, 3.0, 4.0]
    rebuilt = rebuild([5.0, 6.0, 7.0, 8.0])
    assert repr(rebuilt) == "[5.0, (6.0, [7.0]), [8.0]]" and type(rebuilt[2]) is list
