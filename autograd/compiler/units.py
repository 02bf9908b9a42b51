"""How the program calls a repeated computation: each group's unit is written once, as a
forward function and a backward function, and called once per unit.

`_group0_forward(shared, *inputs)` computes one unit from its externals (`shared`: the ones
every unit reads, such as a model's parameters, packed once) and returns the values read
outside it and a tuple of what its backward reads. `_group0_backward(shared, saved, grads,
*seeds, *accumulators)` runs the unit's chain rule: `seeds` are the gradients its outputs
received from later nodes, `grads` and the accumulators are the gradients of its externals so
far, returned with the unit's products added. Every gradient is added to in the order
`backward()` adds to it (the units' calls sit where their nodes are, and a sum that has had no
term yet starts at -0.0, which `+` leaves every number unchanged by), so no bit changes.
"""

from __future__ import annotations

import operator
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import compress, count, repeat

from autograd.compiler.naming import INPUTS
from autograd.compiler.repeats import Group
from autograd.compiler.trace import CONST, OP, SLOT, Trace, bits


@dataclass
class Calls:
    """One group's plan: which of a unit's nodes are read outside it, how each external is
    passed, and the names the program uses for the two functions and each unit's saved values.
    Externals and outputs are indices into the group's `externals` and `units` lists."""

    group: Group
    forward: str
    backward: str
    outputs: list[int]  # unit positions whose value or gradient crosses the unit's border
    shared: list[int]  # the same node in every unit, read by nothing else among the units
    varying: list[int]  # the rest but constants: passed to each call
    constants: dict[int, str]  # the same constant in every unit: written in place
    returns: list[int] = field(default_factory=list)  # varying ones whose gradient is needed
    shared_returns: list[int] = field(default_factory=list)  # shared ones whose gradient is
    saved: list[str] = field(default_factory=list)  # per unit called: its saved values' variable
    shared_name: str = ""
    grads_name: str = ""
    # Input slots that only their unit reads, at slot base[k] + stride * u in unit u: read
    # from the program's inputs inside the function, no variable of the program's; and those
    # whose gradient is returned, written to the program's gradient list at position
    # place[k] + step * u (a wide sum's 200,000 inputs: no 400,000 names to compile)
    indexed: list[int] = field(default_factory=list)
    base: dict[int, int] = field(default_factory=dict)
    stride: int = 0
    written: list[int] = field(default_factory=list)
    place: dict[int, int] = field(default_factory=dict)
    step: int = 0
    loop: object = None  # loops.Loop if the units follow one another and loop


def plan(trace: Trace, groups: list[Group], needed: list[bool], names,
         position: dict[int, int]) -> list[Calls]:
    """Each group's plan; `needed`: which nodes' gradients the program needs; `names`: the
    program's names (the functions' and the saved values' variables are claimed in it);
    `position`: each returned gradient's node, its place in what the program returns."""
    plans = []
    for g, group in enumerate(groups):
        calls = Calls(group, names.variable(f"_group{g}_forward"),
                      names.variable(f"_group{g}_backward"), _outputs(trace, group),
                      *_passing(trace, group, names))
        columns = list(zip(*group.externals))
        _index(trace, calls, columns, needed, position)
        calls.returns = [k for k in calls.varying if any(needed[j] for j in columns[k])]
        calls.shared_returns = [k for k in calls.shared if needed[columns[k][0]]]
        if calls.shared:
            calls.shared_name = names.variable(f"_group{g}_shared")
        if calls.shared_returns:
            calls.grads_name = names.variable(f"_group{g}_grads")
        plans.append(calls)
    return plans


def _index(trace: Trace, calls: Calls, columns: list[tuple], needed: list[bool],
           position: dict[int, int]) -> None:
    """Find the varying externals that are input slots read by their unit only, at slots in
    step with the units (and, if their gradients are returned, at places in step too)."""
    kinds, uses = trace.kinds, trace.uses
    reads = Counter(read_externals(trace, calls.group))
    for k in calls.varying:
        column = columns[k]
        if kinds[column[0]][0] != SLOT or any(kinds[j][0] != SLOT for j in column) or \
                any(map(reads[k].__ne__, map(uses.__getitem__, column))):
            continue
        stride = _in_step([kinds[j][1] for j in column])
        if not stride or (calls.stride and stride != calls.stride):
            continue
        wanted = [needed[j] for j in column]
        if any(wanted):
            if not all(wanted) or any(j not in position for j in column):
                continue
            step = _in_step([position[j] for j in column])
            if not step or (calls.step and step != calls.step):
                continue
            calls.step = step
            calls.place[k] = position[column[0]]
            calls.written.append(k)
        calls.stride = stride
        calls.base[k] = kinds[column[0]][1]
        calls.indexed.append(k)
    calls.varying = [k for k in calls.varying if k not in calls.base]


def _in_step(values: list[int]) -> int:
    """The common difference of `values` (two at least), or 0 if there is none or it is 0."""
    step = values[1] - values[0]
    if step and values == list(range(values[0], values[0] + step * len(values), step)):
        return step
    return 0


def read_externals(trace: Trace, group: Group) -> list[int]:
    """Each read of an external in the group's first unit, as the external's index."""
    unit, outside = group.units[0], group.externals[0]
    index = {j: k for k, j in enumerate(outside)}
    return [index[j] for i in unit for j in trace.parents[i] if j in index]


def unit_uses(trace: Trace, group: Group) -> list[int]:
    """Per unit position: how many times the unit itself reads it."""
    unit = group.units[0]
    where = {i: p for p, i in enumerate(unit)}
    inside = [0] * len(unit)
    for i in unit:
        for j in trace.parents[i]:
            p = where.get(j)
            if p is not None:
                inside[p] += 1
    return inside


def _outputs(trace: Trace, group: Group) -> list[int]:
    """The unit positions used outside the unit in some unit (the last one always is)."""
    inside = unit_uses(trace, group)
    uses = trace.uses
    found: set[int] = set()
    for unit in group.units:
        found.update(compress(count(), map(int.__gt__, map(uses.__getitem__, unit), inside)))
    return sorted(found)


def _passing(trace: Trace, group: Group, names,
             ) -> tuple[list[int], list[int], dict[int, str]]:
    """Which externals are one constant written in place, which are shared, which vary. A
    node every unit reads that an op between the units reads too is passed to each call: its
    gradient must be added to in order between the calls."""
    kinds = trace.kinds
    shared, varying, constants = [], [], {}
    for k, column in enumerate(zip(*group.externals)):
        first = column[0]
        if kinds[first][0] == CONST and all(kinds[j][0] == CONST for j in column) and \
                len({bits(kinds[j][1]) for j in column}) == 1:
            constants[k] = names.literal(kinds[first][1])
        elif column.count(first) == len(column):
            shared.append(k)
        else:
            varying.append(k)
    if shared:
        read = _read_between(trace, group)
        varying = sorted(varying + [k for k in shared if group.externals[0][k] in read])
        shared = [k for k in shared if group.externals[0][k] not in read]
    return shared, varying, constants


def _read_between(trace: Trace, group: Group) -> set[int]:
    """The nodes read by the nodes between the group's units that have a backward: ops (those
    of other groups too) and captured Values an op made (their rule adds to their operands)."""
    kinds, parents, order = trace.kinds, trace.parents, trace.order
    read: set[int] = set()
    for before, after in zip(group.units, group.units[1:]):
        for i in range(before[-1] + 1, after[0]):
            if kinds[i][0] == OP or order[i]._fn is not None:
                read.update(parents[i])
    return read


class Members:
    """Which nodes are a unit's (their statements are a call), and where each unit is called:
    at its last op, forward and backward."""

    def __init__(self, size: int, plans: list[Calls]) -> None:
        self.inside = bytearray(size)
        self.hidden = bytearray(size)  # inside, and read by no node outside its unit
        self.last: dict[int, tuple[Calls, int]] = {}
        self._visible: list[int] | None = None
        for calls in plans:
            for u, unit in enumerate(calls.group.units):
                deque(map(self.inside.__setitem__, unit, repeat(1)), maxlen=0)  # at C speed
                deque(map(self.hidden.__setitem__, unit, repeat(1)), maxlen=0)
                for p in calls.outputs:
                    self.hidden[unit[p]] = 0
                for k in calls.indexed:  # read inside the unit only: the program needs no name
                    self.hidden[calls.group.externals[u][k]] = 1
                if calls.loop is None or u == len(calls.group.units) - 1:
                    self.last[unit[-1]] = (calls, u)  # a loop is run at its last unit

    def nodes(self) -> list[int]:
        return [i for i, flag in enumerate(self.inside) if flag]

    def visible(self) -> list[int]:
        """The nodes the program's own statements are about: all but a unit's (its last op
        stands for it, where it is called) and the inputs only a unit reads."""
        if self._visible is None:
            self._visible = self._find_visible()
        return self._visible

    def _find_visible(self) -> list[int]:
        skip = bytearray(self.inside)
        for i in self.last:
            skip[i] = 0
        return list(compress(range(len(skip)), map(operator.not_, map(operator.or_, skip,
                                                                          self.hidden))))


def unit_trace(trace: Trace, calls: Calls) -> Trace:
    """The group's first unit as a trace of its own: its externals first, as input slots (or
    constants written in place), then its ops."""
    unit, outside = calls.group.units[0], calls.group.externals[0]
    size = len(outside)
    where = {i: size + p for p, i in enumerate(unit)}
    where.update((j, k) for k, j in enumerate(outside))
    parents: list[list[int]] = [[] for _ in outside]
    parents += [[where[j] for j in trace.parents[i]] for i in unit]
    uses = [0] * len(parents)
    for js in parents:
        for j in js:
            uses[j] += 1
    kinds = [(CONST, trace.kinds[j][1]) if k in calls.constants else (SLOT, k)
             for k, j in enumerate(outside)]
    kinds += [(OP,)] * len(unit)
    order = [trace.order[j] for j in outside] + [trace.order[i] for i in unit]
    return Trace(order, kinds, parents, uses, [], size, [], (), len(order))


def items(names: list[str]) -> str:
    """`a, b,`: a tuple display, or an unpacking target, of any length but 0."""
    return "".join(f"{name}, " for name in names).rstrip()


def function_pair(calls: Calls, var: list[str], saved: list[str], start: dict[int, str],
                  body: list, back: list, forward_reads: set[str], backward_reads: set[str],
                  ) -> list[tuple[str, list]]:
    """The unit's forward and backward functions around its statements (`body`, `back`;
    each unpacks only the shared values it reads)."""
    group, size = calls.group, len(calls.group.externals[0])
    head = shared_unpack(calls, var, forward_reads)
    about = (f"# {len(group.units[0])} ops, the same in each of {len(group.units)} units; "
             f"_in0.._in{size - 1}: the nodes a unit reads from outside it")
    outputs = [var[size + p] for p in calls.outputs]
    forward = [("", about, ()), *head, *indexed_reads(calls, var), *body,
               (f"return {items(outputs)} ({items(saved)})", "", ())]
    params = ["_shared"] if calls.shared else []
    ins = ["_inputs", "_at"] if calls.indexed else []
    signature = f"def {calls.forward}({', '.join(params + ins + [var[k] for k in calls.varying])}):"
    grads = [start[k] for k in calls.shared_returns]
    backward = [("", "# the unit's chain rule: seeds in, its externals' gradients added to", ()),
                *shared_unpack(calls, var, backward_reads)]
    if grads:
        backward.append((f"{items(grads)} = _grads", "", tuple(grads)))
    backward += unit_steps(calls, saved, start, back, "_saved")
    returned = ([f"({items(grads)})"] if grads else []) + [start[k] for k in calls.returns]
    backward.append((f"return {items(returned)}" if returned else "return", "", ()))
    params += ["_saved"] + (["_grads"] if grads else []) + (["_out", "_place"] if calls.written
                                                              else [])
    params += [start[size + p] for p in calls.outputs] + [start[k] for k in calls.returns]
    return [(signature, forward), (f"def {calls.backward}({', '.join(params)}):", backward)]


def indexed_reads(calls: Calls, var: list[str]) -> list:
    """The statements reading the input slots only the unit reads, from the program's inputs."""
    return [(f"{var[k]} = _inputs[_at + {calls.base[k]}]", "", (var[k],)) for k in calls.indexed]


def unit_steps(calls: Calls, saved: list[str], start: dict[int, str], back: list, source: str,
               first: list = ()) -> list:
    """A unit's backward: its saved values from `source`, a -0.0 gradient for each input only
    it reads (none has come yet), `first` and its statements, then those gradients written to
    the program's returned list."""
    steps = [(f"{items(saved)} = {source}", "", tuple(saved))] if saved else []
    fresh = [start[k] for k in calls.written]
    if fresh:
        steps.append((f"{' = '.join(fresh)} = -0.0", "", tuple(fresh)))
    steps += [*first, *back]
    steps += [(f"_out[_place + {calls.place[k]}] = {start[k]}", "", ()) for k in calls.written]
    return steps


def shared_unpack(calls: Calls, var: list[str], reads: set[str]) -> list:
    """The statement taking what every unit reads out of `_shared` (those not read: `_`)."""
    if not calls.shared:
        return []
    targets = [var[k] if var[k] in reads else "_" for k in calls.shared]
    return [(f"{items(targets)} = _shared", "", tuple(t for t in targets if t != "_"))]


def forward_call(calls: Calls, u: int, var: list[str]) -> list:
    """The statements calling unit u's forward (the first unit's also pack the shared)."""
    unit, outside = calls.group.units[u], calls.group.externals[u]
    lines = []
    if u == 0 and calls.shared:
        shared = [var[outside[k]] for k in calls.shared]
        lines.append((f"{calls.shared_name} = ({items(shared)})", "  # what every unit reads",
                      (calls.shared_name,)))
    args = ([calls.shared_name] if calls.shared else []) + (
        [INPUTS, str(calls.stride * u)] if calls.indexed else [])
    args += [var[outside[k]] for k in calls.varying]
    targets = [var[unit[p]] for p in calls.outputs] + [calls.saved[u]]
    lines.append((f"{', '.join(targets)} = {calls.forward}({', '.join(args)})",
                  f"  # nodes {unit[0]}-{unit[-1]}: unit {u + 1} of {len(calls.group.units)}",
                  tuple(targets)))
    return lines


@dataclass
class Gradients:
    """The program's gradient variables where a unit's backward is called (codegen's own)."""

    at: int  # the node being processed: the unit's last op
    var: list[str]
    grad: list[str | None]
    owned: list[bool]
    renames: list
    names: object
    kinds: list[tuple]
    needed: list[bool]

    def now(self, j: int) -> str:
        """Node j's gradient so far: -0.0, which `+` leaves any number unchanged by, if none."""
        return self.grad[j] or "-0.0"

    def target(self, j: int) -> str:
        """The variable node j's gradient is assigned to after the call (`_` if not needed)."""
        if not self.needed[j]:
            return "_"
        old = self.grad[j]
        if old is not None and self.owned[j]:
            return old
        name = self.names.variable(f"{self.var[j]}_grad" if self.kinds[j][0] != CONST else
                                   f"node{j}_grad")
        self.grad[j], self.owned[j] = name, True
        self.renames.append((self.at, j, old, name))
        return name


def backward_call(calls: Calls, u: int, g: Gradients, returned: str) -> list:
    """The statements calling unit u's backward (units are called last one first; around the
    calls, the shared externals' gradients are packed, then unpacked)."""
    unit, outside = calls.group.units[u], calls.group.externals[u]
    lines = []
    grads = [calls.grads_name] if calls.shared_returns else []
    if u == len(calls.group.units) - 1 and grads:
        so_far = [g.now(outside[k]) for k in calls.shared_returns]
        lines.append((f"{calls.grads_name} = ({items(so_far)})", "  # their gradients so far",
                      (calls.grads_name,)))
    args = ([calls.shared_name] if calls.shared else []) + [calls.saved[u]] + grads
    args += [returned, str(calls.step * u)] if calls.written else []
    args += [g.now(unit[p]) for p in calls.outputs] + [g.now(outside[k]) for k in calls.returns]
    targets = grads + [g.target(outside[k]) for k in calls.returns]
    call = f"{calls.backward}({', '.join(args)})"
    lines.append((f"{items(targets)} = {call}" if targets else call,
                  f"  # unit {u + 1}'s backward", tuple(t for t in targets if t != "_")))
    if u == 0 and grads:
        shared = [g.target(outside[k]) for k in calls.shared_returns]
        lines.append((f"{items(shared)} = {calls.grads_name}", "",
                      tuple(t for t in shared if t != "_")))
    return lines
