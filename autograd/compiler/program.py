"""Programs: generated statements made into Python functions, compiled once and run per call.

A program is one function `program(inputs, captured)` returning the root's value and the
gradients asked for. CPython's compile time per statement grows with the size of a function,
so a very long program is cut into parts of at most `PART` statements; a driver calls them in
order, passing each part the variables it reads from earlier parts (measured: that passing
costs time, so parts are made as large as compile time allows).
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from dataclasses import dataclass

from autograd.compiler.codegen import Code, Line
from autograd.compiler.lines import referenced
from autograd.compiler.naming import INPUTS, LIVE_VALUES, PROGRAM

PART = 100_000  # statements per function: W1 (~48,600) in one runs fastest
_serial = itertools.count()


@dataclass
class Program:
    """A compiled program: its source and the function to call with (inputs, captured)."""

    source: str
    run: Callable[[list[float], list], tuple]


def build(code: Code, header: list[str]) -> Program:
    """Make `code` into Python functions (one, or parts and a driver) and compile them."""
    returned = [code.grads] + ([] if code.values is None else [code.values])
    shown = ", ".join(names if isinstance(names, str) else f"({_items(names)})"
                      for names in returned)
    lines = [*code.lines, (f"return {code.value}, {shown}", "", ())]
    params = f"{INPUTS}, {LIVE_VALUES}"
    if len(lines) <= PART:
        functions = [(f"def {PROGRAM}({params}):", lines)]
    else:
        functions = _parts(lines, params)
    functions = [*code.functions, *functions]
    shown_lines, texts = _texts(header, functions)
    source = "".join(shown_lines)
    filename = f"<autograd.compile #{next(_serial)}>"
    linecache.cache[filename] = (len(source), None, shown_lines, filename)
    namespace = dict(code.names.globals)
    namespace["__name__"] = "autograd.compiled"
    # The comments are left out of what CPython compiles (it is faster): line for line the same
    # statements, so a traceback shows the commented line from linecache. Each function is
    # compiled by itself (measured: a third faster for W2 at 100,000, whose compiler's memory
    # for the whole would be new to the process, where each part's is reused by the next).
    for text in texts:
        exec(compile(text, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    return Program(source, namespace[PROGRAM])


def _texts(header: list[str], functions: list[tuple[str, list[Line]]],
           ) -> tuple[list[str], list[str]]:
    """The source's lines (with comments), and each function without them as a text of its
    own, starting on its line of the source (blank lines before it)."""
    shown = [f"# {h}\n" if h else "#\n" for h in header]
    texts = []
    for k, (signature, body) in enumerate(functions):
        if k:
            shown.append("\n")
        texts.append("\n" * len(shown) + signature + "\n    "
                     + "\n    ".join([line[0] for line in body]) + "\n")
        shown.append(signature + "\n")
        shown.extend([f"    {code}{comment}\n" for code, comment, _ in body])
    return shown, texts


def _items(names: list[str]) -> str:
    return ", ".join(names) + ("," if len(names) == 1 else "")


def _parts(lines: list[Line], params: str) -> list[tuple[str, list[Line]]]:
    """Functions of at most PART statements, and a driver `program` calling them in turn."""
    cuts = [0]
    while len(lines) - cuts[-1] > PART:
        cut = cuts[-1] + PART
        while cut < len(lines) and lines[cut][0].startswith((" ", "else:")):
            cut += 1  # never inside an if block: only before a statement at the top
        cuts.append(cut)
    chunks = [lines[a:b] for a, b in zip(cuts, [*cuts[1:], len(lines)]) if a < b]
    assigned_before = set(params.split(", "))
    reads_in: list[list[str]] = []  # per part: what it reads that an earlier part assigned
    for chunk in chunks:
        # a name an earlier part assigned and this one assigns again is passed in too: an
        # augmented assignment (`g += x`) reads it, which the symbol table does not count
        assigned = dict.fromkeys(name for line in chunk for name in line[2])
        wanted = dict.fromkeys([*referenced(chunk), *assigned])
        reads_in.append([name for name in wanted if name in assigned_before])
        assigned_before.update(assigned)
    later: set[str] = set()
    exports: list[list[str]] = [[] for _ in chunks]
    for k in range(len(chunks) - 1, -1, -1):
        assigned = {name for line in chunks[k] for name in line[2]}
        exports[k] = sorted(assigned & later)
        later.update(reads_in[k])
    functions: list[tuple[str, list[Line]]] = []
    driver: list[Line] = []
    for k, chunk in enumerate(chunks):
        args = ", ".join(reads_in[k])
        body = list(chunk)
        if k < len(chunks) - 1:
            shown = ", ".join(exports[k]) + ("," if len(exports[k]) == 1 else "")
            if exports[k]:
                body.append((f"return {shown}", "", ()))
                driver.append((f"{shown} = _part{k}({args})", "", ()))
            else:
                driver.append((f"_part{k}({args})", "", ()))
        else:
            driver.append((f"return _part{k}({args})", "", ()))
        functions.append((f"def _part{k}({args}):", body))
    return [*functions, (f"def {PROGRAM}({params}):", driver)]
