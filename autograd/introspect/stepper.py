"""Backprop one node at a time: each step applies the chain rule at one node, and says so.

`backward_steps(root)` does the same pass as `backward()`, but as you iterate: after k steps the
graph's `.grad`s hold exactly the first k steps' gradients, so a paused pass can be inspected
or drawn. The numbers come from `local_partials` (the op table); the rule text from the same
table printed symbolically. Nothing here knows a derivative.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from autograd.core import mode
from autograd.core.backward import check_root, local_partials
from autograd.core.display import step_html
from autograd.core.graph import topological_order
from autograd.core.identity import identity_key
from autograd.core.passes import PASSES, commit, unusable_grad
from autograd.core.scalar import as_float
from autograd.core.text import fmt
from autograd.core.value import Value
from autograd.introspect.explain import Names
from autograd.introspect.symbolic import rule_texts


class _Words:
    """How one step reads, worked out only when asked: a long pass pays for its numbers only."""

    __slots__ = ("names", "node", "_rules")

    def __init__(self, names: Names, node: Value) -> None:
        self.names, self.node, self._rules = names, node, None

    def rules(self) -> tuple[str, ...]:
        if self._rules is None:
            node, names = self.node, self.names
            operands = [names.expr(p) for p in node.parents]
            out = names.expr(node) if node.label else "out"
            self._rules = rule_texts(node._fn, operands, out, node._param)
        return self._rules


@dataclass(frozen=True)
class Contribution:
    """What one step adds to one operand's gradient: `added = local * upstream`."""

    parent: Value
    position: int  # operand index: `a + a` contributes twice to a, at 0 and 1
    local: float  # d(node)/d(parent), from the op table
    added: float
    upstream: float  # the node's gradient, d(root)/d(node)
    words: _Words = field(repr=False, compare=False)

    @property
    def rule(self) -> str:
        """The local derivative as math, from the op table, e.g. `d(x*w)/dx = w`."""
        return self.words.rules()[self.position]

    @property
    def target(self) -> str:
        """How the text names the parent's gradient, e.g. `x.grad` or `(x*w).grad`."""
        return self.words.names.target(self.parent)

    def __str__(self) -> str:
        return (f"{self.target} += {fmt(self.upstream)} (upstream) * {fmt(self.local)} "
                f"({self.rule}) = {fmt(self.added)}")


@dataclass(frozen=True, repr=False)
class Step:
    """One step of a backward pass: step 0 seeds the root, each later one is one non-leaf node.

    Its repr is what a learner wants at the REPL (`next(steps)`): the heading, then the
    chain-rule lines. Steps are numbered 0 to `last`; `total` counts them (`last + 1`).
    """

    index: int
    total: int  # how many steps the whole pass has, seed included: `last + 1`
    node: Value
    upstream: float  # d(root)/d(node), complete when the node's step comes
    contributions: tuple[Contribution, ...]
    words: _Words = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """How the text names the node: its label, a short formula, or `node#i`."""
        return self.words.names(self.node)

    @property
    def formula(self) -> str:
        """What made the node, with its operands' names, e.g. `tanh(n)`."""
        return self.words.names.formula(self.node)

    @property
    def target(self) -> str:
        """How the text names the node's gradient, e.g. `o.grad`."""
        return self.words.names.target(self.node)

    @property
    def last(self) -> int:
        """The number of the pass's last step (`total - 1`), as the heading shows it."""
        return self.total - 1

    def __str__(self) -> str:
        if self.index == 0:
            return f"{self.target} = {fmt(self.upstream)} (seed)"
        return "\n".join(str(c) for c in self.contributions)

    def __repr__(self) -> str:
        # What `next(steps)` shows at a REPL: the text, not a dump of the fields.
        return f"{self.heading}\n{self}"

    @property
    def heading(self) -> str:
        """A title for the step, e.g. `step 2/4: o = tanh(n)` (step 0's text says it seeds)."""
        name, formula = self.name, self.formula
        what = name if not formula or formula == name else f"{name} = {formula}"
        return f"step {self.index}/{self.last}: {what}"

    def _repr_html_(self) -> str:
        """How Jupyter shows a step: its heading, then its chain-rule lines."""
        return step_html(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's plain text for a step: the heading and the lines, not the dataclass repr."""
        p.text(repr(self))


def backward_steps(root: Value, grad: Any = 1.0) -> Iterator[Step]:
    """Run `root.backward(grad)` one step per iteration, yielding each `Step` once it is applied.

    The finished pass leaves exactly the `.grad`s `backward()` would. Stopping early leaves the
    graph partly propagated (by design: that is what there is to look at).
    """
    check_root(root, "backward_steps")
    # A Value seed counts by its number, as in backward() without create_graph.
    seed = grad.data if isinstance(grad, Value) else as_float(grad, "backward_steps (grad)")
    return _steps(root, seed)


def _steps(root: Value, seed: float) -> Iterator[Step]:
    order = topological_order(root)
    total = 1 + sum(1 for node in order if node.parents)
    names = Names(order, "backward_steps")
    watcher = mode.get_mode().watcher  # anomaly mode, say
    if watcher is not None:
        watcher.on_seed(root, seed)
    # This pass's own gradients, accumulated exactly as backward's float pass does (each starts
    # at 0.0, the root at the seed); `.grad` is `base + this pass so far`, as backward() adds it.
    # So even the sign of a zero agrees.
    key = identity_key  # a subclass of Value may define == by value: nodes keyed by identity
    grads: dict[Any, float] = {key(root): seed}
    writer = _Writer()
    writer.write([root], grads)
    yield Step(0, total, root, seed, (), _Words(names, root))
    index = 0
    for node in reversed(order):
        if not node.parents:
            continue
        index += 1
        upstream = grads[key(node)]
        locals_ = local_partials(node)  # in anomaly mode its error already names the line
        words = _Words(names, node)
        contributions = [
            Contribution(parent, i, local, local * upstream, upstream, words)
            for i, (parent, local) in enumerate(zip(node.parents, locals_))
        ]
        # Last operand first, as backward's float pass adds them: with `a*a` the sum then rounds
        # the same way, so the finished pass equals backward() exactly.
        parents = {key(c.parent): c.parent for c in contributions}  # `a * a`: one parent
        before = {k: grads.get(k, 0.0) for k in parents}
        for c in reversed(contributions):
            k = key(c.parent)
            grads[k] = grads.get(k, 0.0) + c.added  # 0.0 + -0.0 is 0.0
        if watcher is not None:
            watcher.on_step(node, [(c.parent, c.added, grads[key(c.parent)])
                                   for c in contributions])
        try:
            writer.write(list(parents.values()), grads)
        except BaseException:  # the step did not happen: the next one must not count it
            grads.update(before)
            raise
        yield Step(index, total, node, upstream, tuple(contributions), words)


class _Writer:
    """Each step's new `.grad`s, stored together under backward's lock, onto what is there.

    A node's `.grad` is `base + this pass so far`, `base` being what it held when the pass first
    reached it. If something else wrote it between two steps (a pass in another thread, a
    `zero_grad()`), the base moves by what that write changed: nothing is lost or overwritten.
    """

    def __init__(self) -> None:
        # keyed by identity_key(node), as the pass's grads are; the pass holds the nodes
        self.base: dict[Any, Any] = {}
        self.stored: dict[Any, tuple[Any, Any]] = {}  # node -> (its .grad, this pass's part)

    def write(self, nodes: list[Value], grads: dict[Any, float]) -> None:
        with PASSES:
            totals = []
            for node in nodes:
                k = identity_key(node)
                current = node.grad
                try:
                    if k not in self.base:
                        self.base[k] = current
                    else:
                        stored, part = self.stored[k]
                        if not (current is stored or current == stored):
                            self.base[k] = current - part
                    # The same addition backward() does (`grad + pass`): equal bit for bit.
                    totals.append(self.base[k] + grads[k])
                except TypeError:
                    raise unusable_grad([node], "backward_steps") from None
            commit(nodes, totals)
            for node, new in zip(nodes, totals):
                k = identity_key(node)
                self.stored[k] = (new, grads[k])
