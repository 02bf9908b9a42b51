"""Skipping backward work that can only add zeros, as hand-written backprop does, bit for bit.

A relu that is off, or a hinge whose margin is met, passes a gradient of exactly 0 to its
input. Everything only that input leads to (its region) then gets products `0 * local`: if
every such local derivative is finite, each product is a zero, and adding a zero changes no
gradient (a sum's bits stay; only a zero's sign can flip, and backward() adds each gradient to
0.0 at the end, so no sign shows). The program tests the gradient and the locals' finiteness at
run time and skips the region when both hold; else it runs every statement, as before.

Finiteness is tested on few values: a finite result of + - * on floats proves its operands
finite (`ops.FINITE_IMPLIES_FINITE_OPERANDS`), so one value can vouch for many (a finite loss
for every weight in an L2 penalty). Regions are found without recursion: each node's innermost
enclosing region is the meet of its consumers' regions, walked in the order backward() runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import ne, not_

from autograd.compiler.trace import OP, Trace
from autograd.core.ops import FINITE_IMPLIES_FINITE_OPERANDS

MIN_STATEMENTS = 16  # smaller regions are not worth the test (a W1 neuron's is 33 statements)
MAX_DEPTH = 4  # regions nest at most this deep (a sample, then a relu unit in it)
MAX_WITNESSES = 64  # values summed in a test, at most (a sum is one expression: CPython's
# compiler recurses into it)
MAX_STATEMENTS = 20_000  # a longer region would keep a long program from being cut into
# functions (program.PART): a cut never falls inside an `if`
UNSEEN = -1  # a node none of whose consumers has been seen yet


@dataclass
class BackwardRecord:
    """What the backward generator records per node, for finding the regions. Nodes are
    processed from the last down, so node i's statements end where node i-1's start."""

    size: int
    first: list[int] = field(init=False)  # per node: where its statements start in `lines`
    first_rename: list[int] = field(init=False)  # and where its renames start
    finite_if: list[tuple[int, ...] | None] = field(init=False)  # its operands (-1: itself)
    # whose finite values make its locals finite; None if not known or a local may raise
    gated: list[bool] = field(init=False)  # its gradient is one product, local * g, where the
    # local depends on values (so it may be 0)
    gradient: list[str | None] = field(init=False)  # its gradient's variable when processed
    renames: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    # (node being processed, node j, j's gradient variable before, after), in processing order
    lines: int = 0  # statements in all, once the last node is processed

    def __post_init__(self) -> None:
        n = self.size
        self.first, self.first_rename = [0] * n, [0] * n
        self.finite_if, self.gated, self.gradient = [()] * n, [False] * n, [None] * n

    def last(self, i: int) -> int:
        """Where node i's statements end."""
        return self.first[i - 1] if i else self.lines

    def last_rename(self, i: int) -> int:
        return self.first_rename[i - 1] if i else len(self.renames)

    def fill_gaps(self, visible: list[int], root: int) -> None:
        """Where the statements of each node left out of the backward loop start: where those
        of the next node below it that was processed start (nothing came between)."""
        first, first_rename = self.first, self.first_rename
        below, at, at_rename = -1, self.lines, len(self.renames)
        for i in [*visible, root + 1]:
            if i - below > 1:
                first[below + 1:i] = [at] * (i - below - 1)
                first_rename[below + 1:i] = [at_rename] * (i - below - 1)
            if i <= root:
                at, at_rename = first[i], first_rename[i]
            below = i


@dataclass
class Guard:
    """A region to skip: its root's gradient variable, its statements `lines[start:end]`, the
    nodes that must be finite, and what the skipping branch sets."""

    gradient: str
    start: int
    end: int
    witnesses: list[int]
    when_skipped: list[tuple[str, str]]  # (variable, its value: 0.0 or the variable before)


def regions(trace: Trace, work: BackwardRecord, outputs: list[int],
            hidden: bytes | None = None, read_by_hidden: Iterable[int] = ()) -> list[Guard]:
    """The regions worth a test, outermost first where they nest. `hidden`: the nodes whose
    values the program does not have (inside a unit's function): in no region, and they
    vouch for no value; `read_by_hidden`: nodes no region holds either, those the hidden ones
    read (in the program) or a unit's outputs, whose gradient also comes from outside it."""
    if not any(work.gated):  # no gradient that may be 0 by a local: nothing to skip
        return []
    parents, n = trace.parents, trace.reach  # the nodes after reach have no backward
    top = n  # the region of everything (an index of its own): never skipped, never left
    # owner[v]: the innermost candidate region holding v (the meet of its consumers'); a
    # candidate's owner encloses it. chain[v]: the candidate regions v is in, innermost first
    # vouch[v]: the node nearest the root whose finite value proves v's finite
    owner, depth = [UNSEEN] * n + [top], [0] * (n + 1)
    candidate = [False] * n
    chain: list[tuple[int, ...]] = [()] * (n + 1)
    order, kinds, vouch = trace.order, trace.kinds, list(range(n))
    for j in read_by_hidden:  # read inside a unit, which no region holds
        owner[j] = top
    shown = range(n) if hidden is None else list(compress(range(n), map(not_, hidden[:n])))
    for v in reversed(shown):  # every consumer of v is done before v
        enclosing = owner[v] = top if owner[v] == UNSEEN else owner[v]
        if work.gated[v] and trace.uses[v] == 1 and depth[enclosing] < MAX_DEPTH:
            candidate[v] = True
            depth[v] = depth[enclosing] + 1
            chain[v] = (v, *chain[enclosing])
            region_of_v = v
        else:
            chain[v] = chain[enclosing]
            region_of_v = enclosing
        vouches = kinds[v][0] == OP and order[v]._fn.forward in FINITE_IMPLIES_FINITE_OPERANDS
        for j in parents[v]:
            seen_so_far = owner[j]
            if seen_so_far == UNSEEN:
                owner[j] = region_of_v
            elif seen_so_far != region_of_v and seen_so_far != top:  # top holds everything
                owner[j] = _meet(seen_so_far, region_of_v, owner, depth)
            if vouches and vouch[v] > vouch[j]:
                vouch[j] = vouch[v]
    # each candidate's nodes: how many have statements, the lowest, anything unsafe, and the
    # values vouching for their locals' finiteness
    count, low, unsafe = [0] * n, [-1] * n, [False] * n
    lowest_op = [-1] * n  # the lowest op: renames are recorded by ops, some with no statements
    seen: dict[int, set[int]] = {}
    first = work.first
    # a node has statements if they start elsewhere than its predecessor's (work.last(v))
    with_lines = list(map(ne, first[:n], [work.lines, *first[:n - 1]]))
    lines_before = [0, *accumulate(with_lines)]  # nodes with statements among the first v
    for v in compress(range(n), chain[:n]):  # the nodes in some region
        has_lines = with_lines[v]
        regions_of_v = chain[v]
        operands = work.finite_if[v]
        if operands:
            vouching = [vouch[v if k < 0 else parents[v][k]] for k in operands]
        for r in regions_of_v:
            count[r] += has_lines
            if low[r] < 0 and has_lines:  # v ascends: the first is the lowest (a leaf, with
                low[r] = v  # no statements, may sit anywhere before: a unit's inputs do)
            if lowest_op[r] < 0 and parents[v]:
                lowest_op[r] = v
            if operands is None:
                unsafe[r] = True
            elif operands:
                seen.setdefault(r, set()).update(vouching)
    is_output = set(outputs)
    guards = []
    for r in reversed(list(compress(range(n), candidate))):
        if unsafe[r]:
            continue
        lo = low[r]
        if lo < 0:
            continue
        start, end = work.first[r], work.last(lo)
        # contiguous: every node backward() reaches between r and lo with statements is r's
        if not MIN_STATEMENTS <= end - start <= MAX_STATEMENTS or \
                lines_before[r + 1] - lines_before[lo] != count[r]:
            continue
        witnesses = sorted(seen.get(r, ()))
        if len(witnesses) > MAX_WITNESSES:
            continue
        renames = work.renames[work.first_rename[r]:work.last_rename(lowest_op[r])]
        gradient = work.gradient[r]
        if gradient is None:  # nothing flows into the region: it has nothing to skip
            continue
        guards.append(Guard(gradient, start, end, witnesses,
                            _when_skipped(renames, r, chain, is_output)))
    return _worth_a_test(guards)


def _worth_a_test(guards: list[Guard]) -> list[Guard]:
    """Drop a region that adds little to the regions inside it (a relu's output, whose only
    statement beyond its input's region is the relu's own product): fewer of its statements
    and inner tests than MIN_STATEMENTS."""
    inner = [0] * len(guards)  # statements in directly nested regions, and how many there are
    count = [0] * len(guards)
    stack: list[int] = []
    for k, guard in enumerate(guards):  # in order of start, outermost first
        while stack and guards[stack[-1]].end <= guard.start:
            stack.pop()
        if stack:
            inner[stack[-1]] += guard.end - guard.start
            count[stack[-1]] += 1
        stack.append(k)
    return [guard for k, guard in enumerate(guards)
            if guard.end - guard.start - inner[k] + count[k] >= MIN_STATEMENTS]


def _meet(a: int, b: int, owner: list[int], depth: list[int]) -> int:
    """The innermost region holding both regions a and b (walks at most MAX_DEPTH steps; the
    top region has depth 0, so it is never walked up from)."""
    while a != b:
        if depth[a] >= depth[b]:
            a = owner[a]
        else:
            b = owner[b]
    return a


def _when_skipped(renames: list[tuple[int, int, str | None, str]], r: int,
                  chain: list[tuple[int, ...]], is_output: set[int]) -> list[tuple[str, str]]:
    """What skipping must still set: each gradient variable the region made that is read after
    it (outside nodes', and returned ones), to its value before (or 0.0: nothing flowed)."""
    before: dict[int, str | None] = {}
    after: dict[int, str] = {}
    for at, j, old, new in renames:
        if r in chain[at] and (j in is_output or r not in chain[j]):
            before.setdefault(j, old)
            after[j] = new
    values: dict[str, str] = {}
    for j, new in after.items():
        old = before[j]
        if new != old:
            values.setdefault(new, "0.0" if old is None else old)
    return list(values.items())
