"""Show a graph as text: the names every view uses, a table (`explain`) and a tree (`text_graph`).

One display convention everywhere: nodes are numbered by their position in
`topological_order(root)`; a node is called by its label, else by its formula when that is short
(`x*w + b`), else `node#3`; a constant leaf by its number.
"""

from __future__ import annotations

import math
import reprlib
from typing import Any, NamedTuple

from autograd.core.backward import wrong_arity
from autograd.core.display import explanation_html, pre_html
from autograd.core.graph import topological_order
from autograd.core.identity import identity_key
from autograd.core.text import MAX_CELL, fmt, printable, shorten
from autograd.core.value import Value
from autograd.introspect.symbolic import ATOM, Expr, Sym, forward_expr, number_symbol

MAX_NAME = 30  # longer formulas are called node#i
class _Numbered(Sym):
    """A `node#i` name: any formula built on it would be longer still, so is numbered too."""


class Names:
    """Short stable names for the nodes of one graph; computed on demand, in bounded time."""

    def __init__(self, order: list[Value], where: str = "explain", *,
                 short_labels: bool = False) -> None:
        for i, node in enumerate(order):  # `v.label = 3` is possible: say so before any output
            if not isinstance(node.label, str):
                given = f"{reprlib.repr(node.label)}, a {type(node.label).__name__}"
                raise TypeError(f"node#{i} (op {node.op or 'leaf'}, data {node.data!r}) has "
                                f"label {given}: a label must be a str")
            if node._fn is not None and len(node.parents) != node._fn.arity:
                raise wrong_arity(node, where)  # no formula fits it, as no rule does
        self.order = order
        # In formulas, a dotted label may go by its shortest dotted suffix that no other label
        # in the graph ends with (`layers.0.neurons.0.w.1` is `w.1`): drawings use that.
        self._short = _short_labels(order) if short_labels else {}
        # All keyed by identity_key(node): a Value subclass may define == by value.
        self._index: dict[Any, int] | None = None
        self._names: dict[Any, Expr] = {}
        self._claimed: dict[str, Value] = {}  # formula name -> the node it names

    def position(self, node: Value) -> int:
        """The node's position in the order: the `i` of `node#i` and `[i]`."""
        if self._index is None:
            self._index = {identity_key(n): i for i, n in enumerate(self.order)}
        return self._index[identity_key(node)]

    def expr(self, node: Value) -> Expr:
        """The node's name as an expression (so it nests with correct parentheses)."""
        k = identity_key(node)
        name = self._names.get(k)
        if name is None:
            name = self._names[k] = self._atom(node) or self._formula(node)
        return name

    def __call__(self, node: Value) -> str:
        return str(self.expr(node))

    def target(self, node: Value) -> str:
        """The node as the left of `.grad`: `x`, `tanh(n)`, `(x*w)`, `(2)`."""
        name = self.expr(node)
        text = str(name)
        bare = name.precedence == ATOM and not text[:1].isdigit()
        return f"{text}.grad" if bare else f"({text}).grad"

    def formula(self, node: Value) -> str:
        """What made the node, with its operands' names, e.g. `tanh(n)`; "" for a leaf.

        An operand whose name is longer than `MAX_CELL` (a long label) shows shortened.
        """
        if not node.parents:
            return ""
        return str(forward_expr(node._fn, [self._operand(p) for p in node.parents], node._param))

    def _operand(self, node: Value) -> Expr:
        name = self.expr(node)
        text = str(name)
        return name if len(text) <= MAX_CELL else Sym(shorten(text), name.precedence)

    def _atom(self, node: Value) -> Expr | None:
        if node.label:  # a label that is not one word (`x1*w1 + b`) is bracketed, as an atom
            label = self._short.get(identity_key(node)) or printable(node.label)
            simple = label.replace(".", "_").isidentifier()
            return Sym(label if simple else f"({label})")
        if not node.parents:
            return number_symbol(node.data)
        return None

    def _formula(self, node: Value) -> Expr:
        # Name every unnamed ancestor first, parents before children, with an explicit stack;
        # each is then O(1): a formula containing a numbered (too long) one is numbered too.
        # Atoms are named once too: a label is read once however many nodes use it.
        names, key = self._names, identity_key
        stack: list[tuple[Value, bool]] = [(node, False)]
        while stack:
            n, ready = stack.pop()
            k = key(n)
            if k in names:
                continue
            if not ready:
                atom = self._atom(n)
                if atom is not None:
                    names[k] = atom
                    continue
                stack.append((n, True))
                stack.extend((p, False) for p in n.parents if key(p) not in names)
                continue
            parts = [names[key(p)] for p in n.parents]
            # A numbered or long operand makes the formula too long: numbered, without
            # writing it out (a long label would cost its length once per node using it).
            if any(isinstance(p, _Numbered) or len(str(p)) > MAX_NAME for p in parts):
                names[k] = self._numbered(n)
                continue
            formula = forward_expr(n._fn, parts, n._param)
            text = str(formula)
            # `a*b + a*b` has two nodes `a*b`: the second one is numbered, so names stay unique.
            unique = self._claimed.setdefault(text, n) is n
            names[k] = formula if len(text) <= MAX_NAME and unique else self._numbered(n)
        return names[key(node)]

    def _numbered(self, node: Value) -> Expr:
        return _Numbered(f"node#{self.position(node)}")


def _short_labels(order: list[Value]) -> dict[Any, str]:
    """{node: its label's shortest dotted suffix that is no other label's suffix}, for the
    labelled nodes that have a shorter one. A suffix is used only if it starts as a name does
    (`w.1`; not `1`, not `0.w.1`), so that it never reads as a number."""
    labels = {node.label for node in order if isinstance(node.label, str) and node.label}
    owners: dict[str, set[str]] = {}  # dotted suffix -> the labels ending with it
    for label in labels:
        parts = label.split(".")
        for k in range(1, len(parts)):
            owners.setdefault(".".join(parts[-k:]), set()).add(label)
    short: dict[Any, str] = {}
    for node in order:
        label = node.label
        if not isinstance(label, str) or "." not in label:
            continue
        parts = label.split(".")
        for k in range(1, len(parts)):
            suffix = ".".join(parts[-k:])
            if (len(owners[suffix]) == 1 and suffix not in labels and not _numeric(suffix)
                    and suffix.replace(".", "_").isidentifier()):  # `w.1`, never `0.w.1`
                short[identity_key(node)] = printable(suffix)
                break
    return short


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class Row(NamedTuple):
    """One node in `explain`'s table."""

    index: int
    name: str
    op: str
    formula: str
    data: float
    grad: Any
    node: Value


class Explanation(list):
    """`explain`'s result: a list of `Row`s that prints (and displays) as the table."""

    @property
    def rows(self) -> list[Row]:
        """The rows: the Explanation itself (kept for code that reads `.rows`)."""
        return self

    def __str__(self) -> str:
        """The rows as an aligned table; names, ops and formulas cut at `MAX_CELL` characters,
        so the table's size is bounded by the number of nodes, however long a label."""
        header = ("#", "node", "op", "formula", "data", "grad")
        cells = [header] + [
            (str(r.index), shorten(r.name), shorten(r.op or "leaf"), shorten(r.formula),
             fmt(r.data), fmt(r.grad))
            for r in self
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
        right = {0, 4, 5}  # numbers line up on the right
        lines = [
            "  ".join(c.rjust(w) if i in right else c.ljust(w)
                      for i, (c, w) in enumerate(zip(row, widths))).rstrip()
            for row in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """How Jupyter shows the table: as an HTML table."""
        return explanation_html(self)


def explain(root: Value) -> Explanation:
    """Every node root depends on, in topological order: name, op, formula, data, grad."""
    order = topological_order(root)
    names = Names(order)
    return Explanation([
        Row(i, names(node), node.op, names.formula(node), node.data, node.grad, node)
        for i, node in enumerate(order)
    ])


class TextGraph(str):
    """`text_graph`'s result: a str that also displays as itself in the REPL."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        """How Jupyter shows the tree: preformatted, so the lines and columns hold."""
        return pre_html(self)


def text_graph(root: Value, max_depth: int = 40) -> TextGraph:
    """The graph as an indented tree, root first, operands below; a shared node is drawn once.

    Later uses say `(see [i])`. Deeper than `max_depth` a subtree is elided (so a million-deep
    chain prints in bounded width); call `text_graph` on a node to see below it. Names longer
    than `MAX_CELL` characters (long labels) are cut.
    """
    order = topological_order(root)
    names = Names(order, "text_graph")
    shown: set = set()  # identity_key of each node drawn
    lines: list[str] = []
    # (node, prefix of this line, prefix for its children, depth)
    stack: list[tuple[Value, str, str, int]] = [(root, "", "", 0)]
    while stack:
        node, lead, indent, depth = stack.pop()
        i = names.position(node)
        name = shorten(names(node))
        if identity_key(node) in shown:
            lines.append(f"{lead}[{i}] {name}  (see [{i}])")
            continue
        if depth > max_depth:
            lines.append(f"{lead}[{i}] {name}  ... (deeper than {max_depth}; "
                         f"text_graph() it to see more)")
            continue
        shown.add(identity_key(node))
        formula = names.formula(node)
        made = f" = {formula}" if formula and formula != names(node) else ""
        grad = node.grad
        finite = not isinstance(grad, float) or math.isfinite(grad)
        lines.append(f"{lead}[{i}] {name}{made}  data {fmt(node.data)}  "
                     f"grad {fmt(grad)}{'' if finite else '  <- not finite'}")
        last = len(node.parents) - 1
        for k in range(last, -1, -1):  # pushed in reverse so operand 0 prints first
            branch, more = ("└─ ", "   ") if k == last else ("├─ ", "│  ")
            stack.append((node.parents[k], indent + branch, indent + more, depth + 1))
    return TextGraph("\n".join(lines))
