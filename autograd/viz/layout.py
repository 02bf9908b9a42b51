"""Which way a drawing runs: left to right, unless that would be too wide and far wider than tall.

A learner sees a drawing in a notebook cell or a page about 900 px wide, where scrolling down is
natural and scrolling sideways is not. So the left-to-right layout is estimated before `dot`
runs (ranks by longest path, node sizes from their text, Graphviz's default font and spacing),
and a graph whose drawing would be wider than `FITS` and more than `WIDE` times wider than tall
is drawn top to bottom. An estimate, not a layout: it only has to tell a strip from a block.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd.core.identity import identity_key
from autograd.core.value import Value

WIDE = 2.5
"""Left to right is kept while its width is at most this many times its height..."""

FITS = 650.0
"""...or at most this many points (about 870 px: a notebook cell's width at 100%)."""

_CHAR, _PAD, _ROW = 7.0, 16.0, 23.0  # points: a 14pt character, a field's margins, a text row
_OP_W, _OP_H = 54.0, 22.0  # an op's small ellipse
_RANKSEP, _NODESEP = 22.0, 14.0  # dot.py's ranksep and nodesep (0.3 and 0.2 inch)


def choose_rankdir(order: list[Value], cut: set,
                   fields: Callable[[Value], list[str]]) -> str:
    """"LR", or "TB" when the left-to-right drawing of `order` would be too wide for a notebook
    cell and far wider than tall.

    `fields` gives a record's lines; nodes in `cut` (by `identity_key`) have no op drawn (their
    inputs are not).
    """
    lr_width, lr_height = _extent(order, cut, fields, across=True)
    return "TB" if lr_width > max(FITS, WIDE * lr_height) else "LR"


def _extent(order: list[Value], cut: set, fields: Callable[[Value], list[str]],
            across: bool) -> tuple[float, float]:
    """(width, height) in points of the drawing, laid left to right if `across`."""
    rank: dict[object, int] = {}  # by identity_key: a Value subclass may define == or no hash
    sizes: dict[int, list[tuple[float, float]]] = {}  # rank -> (along, beside) of its nodes
    for node in order:  # parents first: a node's rank is one past its op's
        lines = fields(node)
        wide = max(len(line) for line in lines) * _CHAR + _PAD
        # Record fields sit side by side when drawn left to right, stacked when top to bottom.
        record = (sum(len(line) * _CHAR + _PAD for line in lines), _ROW) if across else \
            (wide, _ROW * len(lines))
        if node.parents and identity_key(node) not in cut:
            op_rank = 1 + max(rank[identity_key(p)] for p in node.parents)
            sizes.setdefault(op_rank, []).append((_OP_W, _OP_H) if across else (_OP_H, _OP_W))
            rank[identity_key(node)] = op_rank + 1
        else:
            rank[identity_key(node)] = 0
        along, beside = record if across else (record[1], record[0])
        sizes.setdefault(rank[identity_key(node)], []).append((along, beside))
    ranks = sizes.values()
    length = sum(max(a for a, _ in r) for r in ranks) + _RANKSEP * (len(sizes) - 1)
    breadth = max(sum(b for _, b in r) + _NODESEP * (len(r) - 1) for r in ranks)
    return (length, breadth) if across else (breadth, length)
