"""Statements as code generation makes them, and how skippable ones are laid out in `if`s."""

from __future__ import annotations

import math
import symtable

from autograd.compiler.naming import INPUTS
from autograd.compiler.skips import Guard
from autograd.compiler.symbols import Names
from autograd.compiler.trace import SLOT, Trace

# One statement: its code ("" for a comment line), the comment shown after it in `.source`
# ("" if none; CPython's compile() is given the code alone), and the variables it assigns.
Line = tuple[str, str, tuple[str, ...]]


def guarded(lines: list[Line], guards: list[Guard], names: Names, var: list[str]) -> list[Line]:
    """`lines` with each guard's statements in an `if` that skips them when they add only
    zeros (nested guards indented further)."""
    if not guards:
        return lines
    isfinite = names.bind("isfinite", math.isfinite)
    out: list[Line] = []
    open_: list[Guard] = []
    done = 0  # lines[:done] are in out

    def copy_to(k: int) -> None:  # lines up to k, at the depth of the guards open
        nonlocal done
        if open_:
            pad = "    " * len(open_)
            out.extend((pad + code if code else code, comment, defines)
                       for code, comment, defines in lines[done:k])
        else:
            out.extend(lines[done:k])
        done = k

    def close_to(k: int) -> None:  # close the guards that end by k
        while open_ and open_[-1].end <= k:
            copy_to(open_[-1].end)
            guard = open_.pop()
            if guard.when_skipped:
                pad = "    " * len(open_)
                out.append((pad + "else:", "  # skipped: what it would have left for later", ()))
                out.extend((f"{pad}    {name} = {value}", "", (name,))
                           for name, value in guard.when_skipped)

    for guard in guards:  # by start; outermost first: an enclosing one starts no later
        close_to(guard.start)
        copy_to(guard.start)
        finite = " + ".join(var[w] for w in guard.witnesses)
        test = f"{guard.gradient} != 0.0"
        if finite:
            test += f" or not {isfinite}({finite})"
        out.append(("    " * len(open_) + f"if {test}:",
                    "  # else each product below is 0 * a finite number: it adds zeros", ()))
        open_.append(guard)
    close_to(len(lines))
    copy_to(len(lines))
    return out


def referenced(lines: list[Line]) -> list[str]:
    """The names the statements read, in order, as CPython's own symbol table finds them (an
    augmented assignment's target not included)."""
    text = "def _part():\n    " + "\n    ".join([line[0] for line in lines]) + "\n    pass\n"
    function = symtable.symtable(text, "<part>", "exec").get_children()[0]
    return [symbol.get_name() for symbol in function.get_symbols() if symbol.is_referenced()]


def unpack_inputs(trace: Trace, var: list[str], hidden: bytes) -> list[Line]:
    """The input slots' variables from the program's inputs (none for the slots only a
    repeated unit reads: the unit reads them from the inputs itself)."""
    targets = ["_"] * trace.slots
    for i, kind in enumerate(trace.kinds):
        if kind[0] == SLOT and not hidden[i]:
            targets[kind[1]] = var[i]
    if not targets:
        return [("", "# no input slots", ())]
    if any(hidden[i] for i, kind in enumerate(trace.kinds) if kind[0] == SLOT):
        return [(f"{name} = {INPUTS}[{k}]", "", (name,)) for k, name in enumerate(targets)
                if name != "_"]
    shown = ", ".join(targets) + ("," if len(targets) == 1 else "")
    return [(f"{shown} = {INPUTS}", "", tuple(t for t in targets if t != "_"))]
