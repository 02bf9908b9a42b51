"""draw_dot's arguments, checked before anything is drawn: each refusal says what was expected.

A wrong type is a TypeError and a wrong value a ValueError, both naming the option and what was
given, so `highlight=w` (a Value, not a list), `max_depth=2.5` or `step="1"` fail at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd.core.identity import identity_key
from autograd.core.value import Value
from autograd.viz.safe import colour


def count(value: object, option: str, *, least: int, optional: bool = False) -> int | None:
    """An int option (not a bool, not a float) of at least `least`; None allowed if optional."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        expected = f"an int >= {least}" + (" or None" if optional else "")
        raise TypeError(f"draw_dot: {option} must be {expected}, not {type(value).__name__} "
                        f"{value!r:.40}")
    if value < least:
        raise ValueError(f"draw_dot: {option} must be >= {least}, not {value}")
    return value


def flag(value: object, option: str) -> bool:
    """A True/False option: a str like "no" would otherwise read as True."""
    if not isinstance(value, bool):
        raise TypeError(f"draw_dot: {option} must be True or False, not {type(value).__name__}")
    return value


def marked_nodes(highlight: object) -> set:
    """`highlight` as a set of `identity_key`s: it must be a list (or other iterable) of Values."""
    if isinstance(highlight, (Value, str, bytes)) or not isinstance(highlight, Iterable):
        raise TypeError(f"draw_dot: highlight must be a list of Values (e.g. highlight=[w]), "
                        f"not {type(highlight).__name__}")
    nodes = list(highlight)
    for k, node in enumerate(nodes):
        if not isinstance(node, Value):
            raise TypeError(f"draw_dot: highlight must hold Values only; item {k} is a "
                            f"{type(node).__name__}")
    return {identity_key(node) for node in nodes}


def the_step(step: object) -> Any:
    """`step` is None or one `Step` of `backward_steps` (drawing reads .node, .contributions)."""
    if step is not None and not (hasattr(step, "node") and hasattr(step, "contributions")):
        raise TypeError(f"draw_dot: step must be a Step from backward_steps() or None, not "
                        f"{type(step).__name__} {step!r:.40}")
    return step


def check_options(*, rankdir: object, show_grad: object, highlight: object,
                  highlight_color: object, edge_labels: object, step: object,
                  step_color: object, max_nodes: object, max_depth: object,
                  collapse: object) -> set:
    """Every draw_dot option but `clusters` (groups.py checks it), checked; the marked set."""
    if rankdir not in (None, "LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_dot: rankdir must be None (chosen by the graph's shape), LR, RL, "
                         f"TB or BT, not {rankdir!r:.40}")
    for value, option in ((show_grad, "show_grad"), (edge_labels, "edge_labels"),
                          (collapse, "collapse")):
        flag(value, option)
    colour(highlight_color, "highlight_color")
    colour(step_color, "step_color")
    count(max_nodes, "max_nodes", least=1)
    count(max_depth, "max_depth", least=0, optional=True)
    the_step(step)
    return marked_nodes(highlight)
