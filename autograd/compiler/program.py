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
import re
from collections.abc import Callable
from dataclasses import dataclass

from autograd.compiler.codegen import INPUTS, LIVE_VALUES, Code, Line

PART = 100_000  # statements per function: W1's ~84,000 in one runs fastest and compiles fastest
_IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*")
_serial = itertools.count()


@dataclass
class Program:
    """A compiled program: its source and the function to call with (inputs, captured)."""

    source: str
    run: Callable[[list[float], list], tuple]


def build(code: Code, header: list[str]) -> Program:
    """Make `code` into Python functions (one, or parts and a driver) and compile them."""
    returned = [code.grads] + ([] if code.values is None else [code.values])
    shown = ", ".join(f"({_items(names)})" for names in returned)
    ret = Line(f"return {code.value}, {shown}")
    lines = [*code.lines, ret]
    params = f"{INPUTS}, {LIVE_VALUES}"
    if len(lines) <= PART:
        body = ["def program(" + params + "):", *_indent(lines)]
    else:
        body = _parts(lines, params)
    source = "\n".join([*("# " + h if h else "#" for h in header), *body]) + "\n"
    filename = f"<autograd.compile #{next(_serial)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(code.names.globals)
    namespace["__name__"] = "autograd.compiled"
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own generated code
    return Program(source, namespace["program"])


def _reads(text: str) -> list[str]:
    """The names a statement reads: its right-hand side's (and an augmented target's)."""
    code = text.split("  #", 1)[0]
    if " = " in code and " += " not in code:
        code = code.split(" = ", 1)[1]
    return _IDENTIFIER.findall(code)


def _items(names: list[str]) -> str:
    return ", ".join(names) + ("," if len(names) == 1 else "")


def _indent(lines: list[Line]) -> list[str]:
    return ["    " + line.text for line in lines]


def _parts(lines: list[Line], params: str) -> list[str]:
    """Functions of at most PART statements, and a driver `program` calling them in turn."""
    chunks = [lines[i:i + PART] for i in range(0, len(lines), PART)]
    defined = {name for line in lines for name in line.defines} | set(params.split(", "))
    reads_in: list[list[str]] = []  # per part: what it reads that an earlier part assigned
    for chunk in chunks:
        here: set[str] = set()
        wanted: dict[str, None] = {}
        for line in chunk:
            for name in _reads(line.text):
                if name in defined and name not in here:
                    wanted[name] = None
            here.update(line.defines)
        reads_in.append(list(wanted))
    later: set[str] = set()
    exports: list[list[str]] = [[] for _ in chunks]
    for k in range(len(chunks) - 1, -1, -1):
        assigned = {name for line in chunks[k] for name in line.defines}
        exports[k] = sorted(assigned & later)
        later.update(reads_in[k])
    out: list[str] = []
    driver = ["def program(" + params + "):"]
    for k, chunk in enumerate(chunks):
        args = ", ".join(reads_in[k])
        out.append(f"def _part{k}({args}):")
        out.extend(_indent(chunk))
        if k < len(chunks) - 1:
            shown = ", ".join(exports[k]) + ("," if len(exports[k]) == 1 else "")
            if exports[k]:
                out.append(f"    return {shown}")
                driver.append(f"    {shown} = _part{k}({args})")
            else:
                driver.append(f"    _part{k}({args})")
        else:
            driver.append(f"    return _part{k}({args})")
        out.append("")
    return out + driver
