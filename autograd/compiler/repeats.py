"""Finding the computation a trace repeats, so the program writes it once and calls it.

A training step is mostly one computation many times over: the same network on each of 64
points, the same cell at each time step, the same subtree of a balanced sum. A *unit* is a
stretch of the trace's ops (contiguous in its order; the leaves between them have no
statements of their own) and a *group* is units that are the same computation: the same ops
in the same order on the same internal operands, each unit reading its own *externals* (nodes
outside it: parameters, inputs, the unit before's output). Two finders, each one pass:

- runs: the ops repeat with a period (each op with its operands at the same distances): a
  chain (an RNN over time steps, a deep chain of layers) or a left fold over samples;
- ranges: the ops a node's depth-first visit added, repeated elsewhere (one sample's loss
  under a balanced sum, a subtree of a wide sum).

Only the output's graph is grouped, never the output itself, and no unit spans a captured
Value that has an op (its backward runs where the trace puts it). The program stays the same
float operations in the same order (codegen.py), so grouping changes no bit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import compress, repeat
from operator import eq, itemgetter, ne

from autograd.compiler.trace import CONST, LIVE, OP, SLOT, Trace, bits

MIN_OPS = 64  # a unit smaller than this is cheaper written out than called
MAX_OPS = 2_500  # ops per unit, at most: a body this size compiles fast, calls stay few
MIN_GRAPH = 4 * MIN_OPS  # smaller graphs are not searched
MOST_DISTINCT = 1 / 3  # a graph with more distinct ops than this share is not searched
MIN_COVER = 0.5  # a finder's units must cover this share of the ops, else the other is tried
CALL_COST = 8  # a call costs about as much to compile as this many ops
CANDIDATE_PERIODS = 6  # the most common distances between equal ops tried as periods
_LEAF = {SLOT: -1, LIVE: -2, CONST: -3}  # an operand that is a leaf, in a token
_FAR = -5  # an operand op more than MAX_OPS ops back: outside any unit, wherever it is


@dataclass
class Group:
    """Units computing the same thing: per unit, its ops' and its externals' trace positions
    (externals in the order the unit first reads them, alike in every unit)."""

    units: list[list[int]]
    externals: list[list[int]]


def find_groups(trace: Trace) -> list[Group]:
    """The groups worth calling, in trace order of their first unit (none for a small graph)."""
    ops = list(compress(range(trace.reach - 1), map(eq, trace.kinds, repeat((OP,)))))
    if len(ops) < MIN_GRAPH:
        return []
    tokens = _tokens(trace, ops)
    if len(set(tokens)) > MOST_DISTINCT * len(ops):  # many ops unlike any other: too few
        return []  # repetitions to be worth finding (and the search costs nothing more)
    wanted = _wanted(len(ops))
    spans = _runs(tokens)
    if _cover(spans) < MIN_COVER * len(ops) or spans[0][1] - spans[0][0] > 2 * wanted:
        found = _ranges(trace, ops, tokens, min(2 * wanted, MAX_OPS))  # about the size wanted
        if _cover(found) >= min(0.9 * _cover(spans), MIN_COVER * len(ops)):
            spans = found
    return _grouped(trace, ops, tokens, spans)


def _wanted(ops: int) -> int:
    """A unit's size for `ops` ops repeated: about sqrt(CALL_COST * ops), so that the calls
    and the function cost about as much to compile, in [MIN_OPS, MAX_OPS]."""
    return max(MIN_OPS, min(MAX_OPS, int((CALL_COST * ops) ** 0.5)))


def _tokens(trace: Trace, ops: list[int]) -> list[int]:
    """Each op as a number: equal for the same op and parameter whose operands are the same
    kinds of leaves, or ops the same number of ops back, or ops too far back to be in its unit
    (a value computed once, then read by every repetition: a unit reads it from outside)."""
    number = [-1] * trace.reach  # an op's number; -1 for a leaf
    for a, i in enumerate(ops):
        number[i] = a
    leaf = list(map(_LEAF.get, map(itemgetter(0), trace.kinds[:trace.reach]), repeat(-4)))
    order, parents, most, far = trace.order, trace.parents, MAX_OPS, _FAR  # locals: fast
    table: dict[tuple, int] = {}
    out = []
    for a, i in enumerate(ops):
        node = order[i]
        param = node._param
        js = parents[i]
        if len(js) == 2:  # most ops: written out, as the loop runs for every op
            j, k = js
            x, y = number[j], number[k]
            x = leaf[j] if x < 0 else far if a - x > most else a - x
            y = leaf[k] if y < 0 else far if a - y > most else a - y
            key = (id(node._fn), None if param is None else bits(param), x, y)
        else:
            key = (id(node._fn), None if param is None else bits(param),
                   *[leaf[j] if number[j] < 0 else far if a - number[j] > most
                     else a - number[j] for j in js])
        out.append(table.setdefault(key, len(table)))
    return out


def _runs(tokens: list[int]) -> list[tuple[int, int]]:
    """Units of whole periods where the ops repeat with a period: the periods tried are the
    commonest distances between equal ops near the start, ranked by what they cover there."""
    start = tokens[:4 * MAX_OPS]
    last: dict[int, int] = {}
    gaps: Counter[int] = Counter()
    for a, t in enumerate(start):
        before = last.get(t)
        if before is not None:
            gaps[a - before] += 1
        last[t] = a
    # short periods (a chain's step) and long ones (a sample, whose ops repeat inside it too)
    tried = [gap for gap, _ in gaps.most_common(CANDIDATE_PERIODS)]
    tried += [gap for gap, _ in Counter({gap: k for gap, k in gaps.items() if gap >= MIN_OPS})
              .most_common(CANDIDATE_PERIODS)]
    if not tried:
        return []
    covers = {period: _cover(_periodic(start, period)) for period in tried}
    if max(covers.values()) < MIN_COVER * len(start):  # a sample under MIN_OPS ops whose ops
        # repeat inside it too: its period is rarer than theirs, but spans the most ops
        spanning = Counter({gap: k * gap for gap, k in gaps.items()})
        covers.update((gap, _cover(_periodic(start, gap)))
                      for gap, _ in spanning.most_common(CANDIDATE_PERIODS) if gap not in covers)
    best = max(covers, key=lambda period: (covers[period], period))
    return _periodic(tokens, best)


def _periodic(tokens: list[int], period: int) -> list[tuple[int, int]]:
    """Units of whole periods where `tokens` repeat with `period`."""
    same = bytes(map(int.__eq__, tokens, tokens[period:]))
    spans: list[tuple[int, int]] = []
    shortest = max(MIN_OPS, 2 * period) - period  # a run shorter makes no two units
    for run in re.finditer(b"\x01{%d,}" % shortest, same):  # tokens[start:end + period]
        periods = (run.end() - run.start() + period) // period
        per_unit = min(max(1, -(-_wanted(periods * period) // period)), periods // 2,
                       MAX_OPS // period)  # at least the ops wanted: MIN_OPS at least
        size = per_unit * period
        if size < MIN_OPS or per_unit == 0:
            continue
        first = max(run.start(), spans[-1][1] if spans else 0)  # a run's units reach a
        spans.extend((a, a + size) for a in range(first, run.start() + (  # period past its
            periods // per_unit) * size - size + 1, size))  # end: never into the next's
    return spans


def _cover(spans: list[tuple[int, int]]) -> int:
    return sum(b - a for a, b in spans)


def _ranges(trace: Trace, ops: list[int], tokens: list[int], most: int,
            ) -> list[tuple[int, int]]:
    """Units that are the ops a node's depth-first visit added, where alike ones repeat: the
    largest of at most `most` ops first."""
    parents = trace.parents
    number = {i: a for a, i in enumerate(ops)}
    first = list(range(len(ops)))  # per op: the first op its visit added
    shape = list(tokens)  # per op: a hash of the ops its visit added
    by_shape: dict[tuple, list[int]] = {}
    for a, i in enumerate(ops):
        js = parents[i]
        start, j = a, a - 1
        inside = [number[p] for p in js if p in number]
        while j >= 0 and j in inside:  # the operands visited just before: a's visit added them
            start = first[j]
            j = start - 1
        first[a] = start
        shape[a] = hash((tokens[a], *[shape[b] for b in inside if b >= start]))
        if MIN_OPS <= a + 1 - start <= most:
            by_shape.setdefault((shape[a], a + 1 - start), []).append(a)
    taken = bytearray(len(ops))
    spans: list[tuple[int, int]] = []
    for (_, size), ends in sorted(by_shape.items(), key=lambda item: -item[0][1]):
        if len(ends) < 2:
            continue
        for a in ends:
            start = a + 1 - size
            if taken[start] or taken[a]:  # spans nest or are apart: their ends tell
                continue
            taken[start:a + 1] = b"\x01" * size
            spans.append((start, a + 1))
    spans.sort()
    return spans


def _grouped(trace: Trace, ops: list[int], tokens: list[int],
             spans: list[tuple[int, int]]) -> list[Group]:
    """Spans sorted into groups of the same ops (two units at least) reading their externals
    alike; a span over a captured Value with an op is left out."""
    kinds, order, parents = trace.kinds, trace.order, trace.parents
    leaves = compress(range(trace.reach), map(ne, kinds, repeat((OP,))))  # at C speed
    barriers = [i for i in leaves if kinds[i][0] == LIVE and order[i]._fn is not None]
    by_ops: dict[tuple, list[tuple[int, int]]] = {}
    for a, b in spans:
        by_ops.setdefault(tuple(tokens[a:b]), []).append((a, b))
    groups = []
    for alike in by_ops.values():
        a, b = alike[0]
        low = ops[a]
        reads = [(p, k) for p, i in enumerate(ops[a:b]) for k, j in enumerate(parents[i])
                 if j < low or kinds[j][0] != OP]  # which operands are outside: alike in each
        by_pattern: dict[tuple, Group] = {}
        for a, b in alike:
            unit = ops[a:b]
            if barriers and any(unit[0] < i < unit[-1] for i in barriers):
                continue
            outside = [parents[unit[p]][k] for p, k in reads]
            externals = list(dict.fromkeys(outside))
            index = dict(zip(externals, range(len(externals))))
            pattern = tuple(map(index.__getitem__, outside))
            group = by_pattern.get(pattern)
            if group is None:
                group = by_pattern[pattern] = Group([], [])
            group.units.append(unit)
            group.externals.append(externals)
        groups.extend(group for group in by_pattern.values() if len(group.units) >= 2)
    groups.sort(key=lambda group: group.units[0][0])
    return groups
