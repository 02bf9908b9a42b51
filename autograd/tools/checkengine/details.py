"""The words a finding is made of: its line of code, its inputs, what went wrong, in a few words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd.tools.checkengine.program import Program, close

if TYPE_CHECKING:
    from autograd.tools.checkengine.check import Case


def line(case: Case) -> str:
    """The graph in one line: `x * y`, or `t1 = x.exp(); out = t1 * Value(2.5)`."""
    program = case.program
    return program.text(program.lines[0], "Value") if len(program.lines) == 1 else "; ".join(
        f"{name} = {program.text(made)}" for name, made in
        zip(program.names[len(program.inputs):], program.lines))


def at(program: Program) -> str:
    """The inputs' values: `x = 2.0, y = 3.0`."""
    return ", ".join(f"{name} = {value!r}" for name, value in program.inputs)


def where(case: Case) -> str:
    """The failing line and its inputs, as a message names it: `x * y` at x = 2.0, y = 3.0."""
    return f"`{line(case)}` at {at(case.program)}"


def first_wrong(case: Case) -> tuple[str, float | None, float | None]:
    """The first input whose gradient is wrong: its name, stepgrad's grad and the engine's."""
    program, passes = case.program, case.program.passes
    want = case.expected.grads[-1]
    have = case.got.grads[passes - 1] if len(case.got.grads) >= passes else None
    for i, (name, _) in enumerate(program.inputs):
        if have is None or not close(want[i], have[i]):
            return name, want[i], None if have is None else have[i]
    return program.inputs[0][0], want[0], have[0] if have else None


def wrong_input(case: Case) -> str:
    """`x.grad should be 2.0, got 1.0`: the first input whose gradient is wrong."""
    name, want, have = first_wrong(case)
    return f"{name}.grad should be {want!r}, got {have!r}"


def wrong(case: Case) -> str:
    """What went wrong, in a few words: an error, a value, or the first wrong gradient."""
    if case.kind == "forward":
        return f"gives {case.got.data[-1]!r} instead of {case.expected.data[-1]!r}"
    if case.got.error is not None:
        return f"raised {case.got.failed}"
    return f"is wrong: {wrong_input(case)}"


def reuse(case: Case) -> str:
    """Which node is used twice in the smallest graph, and what its gradient became."""
    program = case.program
    uses = [0] * (len(program.inputs) + len(program.lines))
    for made in program.lines:
        for x in made.operands:
            if isinstance(x, int):
                uses[x] += 1
    names = program.names
    twice = [f"{names[i]} is used {n} times" for i, n in enumerate(uses) if n > 1]
    return f"here {', '.join(twice) or 'a node is reused'}; {wrong_input(case)}"


def zero_inputs(case: Case) -> bool:
    """The inputs got no gradient at all where stepgrad's is not 0."""
    inputs = range(len(case.program.inputs))
    have = case.got.grads[-1] if case.got.grads else None
    return have is not None and all(have[i] == 0 for i in inputs) and any(
        case.expected.grads[-1][i] != 0 for i in inputs)


def common_factor(cases: list[Case]) -> float | None:
    """The one factor (not 1) by which every case's input gradients are off, if there is one."""
    ratios = [case.got.grads[-1][i] / case.expected.grads[-1][i]
              for case in cases for i in range(len(case.program.inputs))
              if case.got.grads and case.got.grads[-1][i] is not None
              and abs(case.expected.grads[-1][i]) > 1e-9]
    if not ratios or close(ratios[0], 1.0) or not all(close(r, ratios[0]) for r in ratios):
        return None
    return ratios[0]
