"""Argument trees: the scalars inside a function's arguments, and the structure they sit in.

A transform (forward mode, `jacobian`...) and `compile` see f's arguments as a tree whose inner
nodes are lists and tuples and whose leaves are everything else. `flatten` walks it, depth
first and without recursion, giving the leaves in order and a `Spec` (the structure as preorder
tokens) that `unflatten` fills with other leaves. What a leaf may be, and the error for one that
may not, is the caller's: forward mode takes numbers and Values, `compile` numbers only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Spec = tuple  # preorder tokens: None for a leaf, (list, n) or (tuple, n) for a container of n
Place = Any  # where an item sits: i for argument i, (place, j) for item j of the one at place


def flatten(args: Sequence[Any], leaf: Callable[[Any, Place], Any], *, depth: int | None = None,
            strict: bool = True, as_lists: bool = False, places: list[Place] | None = None,
            plain: type | None = None) -> tuple[list, Spec]:
    """The leaves of `args`, depth first and in order, and the structure they sit in (a tuple
    at the top).

    Each leaf is what `leaf(item, place)` returns; it raises for an item that may not be one.
    An item of exactly the class `plain` (float, say) is a leaf as it is, with no call: the
    common case stays fast. A list or tuple is walked into down to `depth` levels below the
    arguments (one deeper is a leaf); with `strict=False` so is a subclass of either, rebuilt
    as a list; with `as_lists` every container is rebuilt as a list. `places`, if given, gets
    each leaf's place.
    """
    leaves: list = []
    keep = leaves.append
    top = list if as_lists else tuple
    spec: list = [(top, len(args))]
    mark = spec.append
    stack = [(arg, i, 1) for i, arg in reversed(list(enumerate(args)))]
    while stack:
        item, place, level = stack.pop()
        kind = item.__class__
        if kind is plain:
            keep(item)
            mark(None)
            if places is not None:
                places.append(place)
            continue
        if kind is not list and kind is not tuple:
            kind = None if strict or not isinstance(item, (list, tuple)) else list
        if kind is None or (depth is not None and level > depth):
            keep(leaf(item, place))
            mark(None)
            if places is not None:
                places.append(place)
        else:
            mark((list if as_lists else kind, len(item)))
            stack.extend((x, (place, j), level + 1) for j, x in reversed(list(enumerate(item))))
    return leaves, tuple(spec)


def unflatten(spec: Spec, leaves: Sequence[Any]) -> Any:
    """The structure `spec` with `leaves` in the leaves' places, in order (iterative)."""
    it = iter(leaves)
    frames: list[list] = []  # [container type, remaining, items]
    for token in spec:
        if token is None:
            item = next(it)
        elif token[1]:
            frames.append([token[0], token[1], []])
            continue
        else:
            item = token[0]()
        while frames:
            top = frames[-1]
            top[2].append(item)
            top[1] -= 1
            if top[1]:
                break
            frames.pop()
            item = top[0](top[2])
        else:
            return item
    return ()  # only for an empty top tuple with no tokens after it


def lengths(spec: Spec) -> list[int | None]:
    """Each argument's length if it is a list or tuple, None if it is a leaf."""
    found: list[int | None] = []
    inside = 0  # tokens still to skip: the items of the argument last seen
    for token in spec[1:]:
        if inside:
            inside += -1 if token is None else token[1] - 1
            continue
        found.append(None if token is None else token[1])
        inside = 0 if token is None else token[1]
    return found


def position(place: Place) -> tuple[int, list[int]]:
    """The argument a place is in, and the indices inside it, outermost first."""
    indices = []
    while isinstance(place, tuple):
        place, j = place
        indices.append(j)
    indices.reverse()
    return place, indices


def argument_of(place: Place) -> int:
    """The argument a place is in."""
    while place.__class__ is tuple:
        place = place[0]
    return place


def path_name(place: Place, names: Sequence[str]) -> str:
    """`xs[3][1]` for the place (((0, 3), 1)) of argument `xs`; `args[i]` past `names`."""
    argument, indices = position(place)
    head = names[argument] if argument < len(names) else f"args[{argument}]"
    return head + "".join(f"[{j}]" for j in indices)
