"""A repeated computation whose units follow one another: each function loops over the units.

When nothing else runs between a group's units (a deep chain of layers, a fold over samples),
the program calls each of the two functions once, and it loops: forward from the first unit,
backward from the last. What every unit reads (the parameters) is
unpacked once and its gradients stay in local variables for the whole loop; a unit's chained
input (the unit before's output) is carried from one pass to the next, and its gradient back.
The statements and their order are a call per unit's, so the bits are too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from autograd.compiler.trace import CONST, OP, Trace
from autograd.compiler.units import (
    Calls,
    Gradients,
    indexed_reads,
    items,
    read_externals,
    unit_steps,
    unit_uses,
)


@dataclass
class Loop:
    """How a group's functions loop: per chained external, the unit position whose value the
    unit before hands on; per constant that changes from unit to unit, the table of them."""

    chained: dict[int, int]
    constants: dict[int, str]
    saved: str  # the program's variable for the list of each unit's saved values


def plan_loop(trace: Trace, calls: Calls, g: int, names) -> Loop | None:
    """The loop for a group whose units follow one another, or None: other ops run between
    units, an external is neither shared, chained, a constant nor an input slot read in step,
    or a unit's value other than the last's is read outside the group."""
    units, externals, kinds = calls.group.units, calls.group.externals, trace.kinds
    for before, after in zip(units, units[1:]):
        if any(kinds[i][0] == OP or trace.order[i]._fn is not None
               for i in range(before[-1] + 1, after[0])):  # only leaves between units
            return None
    where = {i: p for p, i in enumerate(units[0])}
    chained: dict[int, int] = {}
    constants: dict[int, str] = {}
    for k in calls.varying:
        column = [outside[k] for outside in externals]
        r = where.get(column[1])
        if r is not None and all(column[u] == units[u - 1][r] for u in range(1, len(units))):
            chained[k] = r
        elif all(kinds[j][0] == CONST for j in column):
            constants[k] = names.entry("constants", tuple(kinds[j][1] for j in column))
        else:
            return None
    reads = Counter(read_externals(trace, calls.group))
    inside = unit_uses(trace, calls.group)
    for k, r in chained.items():
        inside[r] += reads[k]  # read by the next unit too
    uses = trace.uses
    if any(uses[unit[p]] != inside[p] for unit in units[:-1] for p in calls.outputs):
        return None  # read outside the group before the last unit: the loop cannot give it
    return Loop(chained, constants, names.variable(f"_group{g}_saved"))


def _indent(lines: list) -> list:
    return [("    " + code if code else code, comment, defines)
            for code, comment, defines in lines]


def loop_pair(calls: Calls, loop: Loop, var: list[str], saved: list[str],
              start: dict[int, str], body: list, back: list, head: list, back_head: list,
              ) -> list[tuple[str, list]]:
    """The two functions, each one loop over the units around the unit's statements."""
    group, size = calls.group, len(calls.group.externals[0])
    count = len(group.units)
    chained = list(loop.chained)
    outputs = [var[size + p] for p in calls.outputs]
    about = (f"# {len(group.units[0])} ops, the same in each of {count} units that follow one "
             f"another, looped over; _in0.._in{size - 1}: what a unit reads from outside it")
    each = []
    if calls.indexed:
        each.append((f"_at = {calls.stride} * _u", "", ("_at",)))
        each += indexed_reads(calls, var)
    each += [(f"{var[k]} = {table}[_u]", "", (var[k],)) for k, table in loop.constants.items()]
    carry = [(f"{items([var[k] for k in chained])} = "
              f"{items([var[size + loop.chained[k]] for k in chained])}",
              "  # the next unit's chained input", ())] if chained else []
    forward = [("", about, ()), *head, ("_saved = []", "", ("_saved",)),
               (f"for _u in range({count}):", "", ()),
               *_indent([*each, *body, (f"_saved.append(({items(saved)}))", "", ()), *carry]),
               (f"return {items(outputs)} _saved", "", ())]
    params = ["_shared"] if calls.shared else []
    params += ["_inputs"] if calls.indexed else []
    signature = f"def {calls.forward}({', '.join(params + [var[k] for k in chained])}):"

    grads = [start[k] for k in calls.shared_returns]
    first = {k: f"_first{k}_grad" for k in chained}  # unit 0's chained input: the program's
    steps = [(f"_place = {calls.step} * _u", "", ("_place",))] if calls.written else []
    steps += unit_steps(calls, saved, start, back, "_saved[_u]", [
        (f"{start[k]} = {first[k]} if _u == 0 else -0.0", "", (start[k],))
        for k in chained if k in start])
    handed = {loop.chained[k]: start.get(k, "-0.0") for k in chained}  # r -> the unit above's
    below = [(start[size + p], handed.get(p, "-0.0")) for p in calls.outputs]
    steps.append((f"{items([name for name, _ in below])} = {items([v for _, v in below])}",
                  "  # the seeds of the unit below", ()))
    backward = [("", "# the units' chain rule, the last unit first: seeds in, gradients added",
                 ()), *back_head]
    if grads:
        backward.append((f"{items(grads)} = _grads", "", tuple(grads)))
    backward += [(f"for _u in range({count - 1}, -1, -1):", "", ()), *_indent(steps)]
    returned = ([f"({items(grads)})"] if grads else []) + [start.get(k, "-0.0") for k in chained]
    backward.append((f"return {items(returned)}" if returned else "return", "", ()))
    params = (["_shared"] if calls.shared else []) + ["_saved"] + (["_grads"] if grads else [])
    params += ["_out"] if calls.written else []
    params += [start[size + p] for p in calls.outputs] + [first[k] for k in chained]
    return [(signature, forward), (f"def {calls.backward}({', '.join(params)}):", backward)]


def loop_forward_call(calls: Calls, loop: Loop, var: list[str]) -> list:
    """The statement running the whole group's forward (at its last unit's last op)."""
    first, last = calls.group.externals[0], calls.group.units[-1]
    lines = []
    args = []
    if calls.shared:
        lines.append((f"{calls.shared_name} = ({items([var[first[k]] for k in calls.shared])})",
                      "  # what every unit reads", (calls.shared_name,)))
        args.append(calls.shared_name)
    args += ["inputs"] if calls.indexed else []
    args += [var[first[k]] for k in loop.chained]
    targets = [var[last[p]] for p in calls.outputs] + [loop.saved]
    units = calls.group.units
    lines.append((f"{', '.join(targets)} = {calls.forward}({', '.join(args)})",
                  f"  # nodes {units[0][0]}-{last[-1]}: {len(units)} units, looped over",
                  tuple(targets)))
    return lines


def loop_backward_call(calls: Calls, loop: Loop, g: Gradients, returned: str) -> list:
    """The statements running the whole group's backward, the last unit first."""
    first, last = calls.group.externals[0], calls.group.units[-1]
    lines = []
    grads = [calls.grads_name] if calls.shared_returns else []
    if grads:
        so_far = [g.now(first[k]) for k in calls.shared_returns]
        lines.append((f"{calls.grads_name} = ({items(so_far)})", "  # their gradients so far",
                      (calls.grads_name,)))
    args = ([calls.shared_name] if calls.shared else []) + [loop.saved] + grads
    args += [returned] if calls.written else []
    args += [g.now(last[p]) for p in calls.outputs] + [g.now(first[k]) for k in loop.chained]
    targets = grads + [g.target(first[k]) if k in calls.returns else "_" for k in loop.chained]
    call = f"{calls.backward}({', '.join(args)})"
    lines.append((f"{items(targets)} = {call}" if targets else call,
                  "  # every unit's backward, the last first",
                  tuple(t for t in targets if t != "_")))
    if grads:
        shared = [g.target(first[k]) for k in calls.shared_returns]
        lines.append((f"{items(shared)} = {calls.grads_name}", "",
                      tuple(t for t in shared if t != "_")))
    return lines
