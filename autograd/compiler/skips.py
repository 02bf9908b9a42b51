"""Skipping backward work that can only add zeros, as hand-written backprop does, bit for bit.

A relu that is off, or a hinge whose margin is met, passes a gradient of exactly 0 to its
input. Everything only that input leads to (its region) then gets products `0 * local`: if
every such local derivative is finite, each product is a zero, and adding a zero changes no
gradient (a sum's bits stay; only a zero's sign can flip, and backward() adds each gradient to
0.0 at the end, so no sign shows). The program tests the gradient and the locals' finiteness at
run time and skips the region when both hold; else it runs every statement, as before.

Finiteness is tested on few values: a finite result of + - * proves its operands finite
(`ops.FINITE_OPERANDS`), so one value can vouch for many (a finite loss for every weight in an
L2 penalty). Regions are found without recursion: each node's innermost enclosing region is
the meet of its consumers' regions, walked in the order backward() runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd.compiler.trace import OP, Trace
from autograd.ops import FINITE_OPERANDS

MIN_STATEMENTS = 16  # smaller regions are not worth the test (a W1 neuron's is 33 statements)
MAX_DEPTH = 4  # regions nest at most this deep (a sample, then a relu unit in it)
TOP = -1  # the region of everything: never skipped


@dataclass
class Work:
    """What the backward generator records per node, for finding the regions."""

    size: int
    first: list[int] = field(init=False)  # per node: where its statements start in `lines`
    last: list[int] = field(init=False)  # and where they end (== first: it has none)
    safe: list[bool] = field(init=False)  # its statements cannot raise, their locals are known
    witnesses: list[list[int]] = field(init=False)  # nodes whose values must be finite
    gated: list[bool] = field(init=False)  # its gradient is one product, local * g, where the
    # local depends on values (so it may be 0)
    up: list[str | None] = field(init=False)  # its gradient's variable when it is processed
    renames: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    # (node being processed, node j, j's gradient variable before, after), in processing order
    first_rename: list[int] = field(init=False)  # per node: where its renames start
    last_rename: list[int] = field(init=False)

    def __post_init__(self) -> None:
        n = self.size
        self.first, self.last = [0] * n, [0] * n
        self.safe, self.witnesses, self.gated = [True] * n, [[] for _ in range(n)], [False] * n
        self.up = [None] * n
        self.first_rename, self.last_rename = [0] * n, [0] * n


@dataclass
class Guard:
    """A region to skip: its root and the root's gradient variable, its statements
    `lines[start:end]`, the nodes that must be finite, and what the skipping branch sets."""

    root: int
    gradient: str
    start: int
    end: int
    witnesses: list[int]
    zeros: list[tuple[str, str]]  # (variable, what it is when skipped: 0.0 or its old variable)


def regions(trace: Trace, work: Work, outputs: list[int]) -> list[Guard]:
    """The regions worth a test, outermost first where they nest."""
    parents, n = trace.parents, len(trace.order)
    consumers: list[list[int]] = [[] for _ in range(n)]
    for i, js in enumerate(parents):
        for j in js:
            consumers[j].append(i)
    # owner[v]: the innermost candidate region holding v; a candidate's owner encloses it.
    # chain[v]: the candidate regions v is in, innermost first (v's own if it is one)
    owner, depth = [TOP] * n, [0] * (n + 1)  # depth[TOP] is depth[-1]: 0
    candidate = [False] * n
    chain: list[tuple[int, ...]] = [()] * n
    for v in range(n - 1, -1, -1):  # consumers before their operands
        around = TOP
        for k, c in enumerate(consumers[v]):
            mine = c if candidate[c] else owner[c]
            around = mine if k == 0 else _meet(around, mine, owner, depth)
        owner[v] = around
        outer = () if around == TOP else chain[around]
        if work.gated[v] and len(consumers[v]) == 1 and depth[around] < MAX_DEPTH:
            candidate[v] = True
            depth[v] = depth[around] + 1
            chain[v] = (v, *outer)
        else:
            chain[v] = outer
    # each candidate's nodes: how many have statements, the lowest, anything unsafe, witnesses
    has_lines = [work.first[v] != work.last[v] for v in range(n)]
    count, low, unsafe = [0] * n, [-1] * n, [False] * n
    seen: dict[int, set[int]] = {}
    for v in range(n):
        for r in chain[v]:
            count[r] += has_lines[v]
            if low[r] < 0:  # v ascends: the first is the lowest
                low[r] = v
            if not work.safe[v]:
                unsafe[r] = True
            if work.witnesses[v]:
                seen.setdefault(r, set()).update(work.witnesses[v])
    lines_before = [0] * (n + 1)  # nodes with statements among the first i
    for v in range(n):
        lines_before[v + 1] = lines_before[v] + has_lines[v]
    vouch = _vouchers(trace)
    is_output = set(outputs)
    guards = []
    for r in range(n - 1, -1, -1):
        if not candidate[r] or unsafe[r]:
            continue
        lo = low[r]
        start, end = work.first[r], work.last[lo]
        # contiguous: every node backward() reaches between r and lo with statements is r's
        if end - start < MIN_STATEMENTS or lines_before[r + 1] - lines_before[lo] != count[r]:
            continue
        witnesses = sorted({vouch[w] for w in seen.get(r, ())})
        renames = work.renames[work.first_rename[r]:work.last_rename[lo]]
        guards.append(Guard(r, work.up[r], start, end, witnesses,
                            _zeros(renames, r, chain, is_output)))
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
    """The innermost region holding both regions a and b (walks at most MAX_DEPTH steps)."""
    while a != b:
        if depth[a] >= depth[b]:
            a = owner[a]
        else:
            b = owner[b]
    return a


def _vouchers(trace: Trace) -> list[int]:
    """Per node, the node nearest the root whose finite value proves this one finite."""
    vouch = list(range(len(trace.order)))
    for i in range(len(trace.order) - 1, -1, -1):
        node = trace.order[i]
        if trace.kinds[i][0] == OP and node._op.forward in FINITE_OPERANDS:
            for j in trace.parents[i]:
                if vouch[i] > vouch[j]:
                    vouch[j] = vouch[i]
    return vouch


def _zeros(renames: list[tuple[int, int, str | None, str]], r: int,
           chain: list[tuple[int, ...]], is_output: set[int]) -> list[tuple[str, str]]:
    """What skipping must still set: each gradient variable the region made that is read after
    it (outside nodes', and returned ones), to its value before (or 0.0: nothing flowed)."""
    before: dict[int, str | None] = {}
    after: dict[int, str] = {}
    for at, j, old, new in renames:
        if r in chain[at] and (j in is_output or r not in chain[j]):
            before.setdefault(j, old)
            after[j] = new
    zeros: dict[str, str] = {}
    for j, new in after.items():
        old = before[j]
        if new != old:
            zeros.setdefault(new, "0.0" if old is None else old)
    return list(zeros.items())
