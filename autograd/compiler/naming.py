"""Names in a compiled program, and user text shown in its comments: no two can collide.

The rule: node i's variable is named after its label (an input slot's after f's parameter and
its place in it: `xs[0][1]` is `xs_0_1`) only when that text, NFKC-normalised as CPython reads
identifiers, is an ASCII identifier that

- is not a keyword or a builtin, nor one of the program's own names (`reserved()`: its
  parameters, the functions and tables it reads, the built-in ops and their checks and rules);
- has none of the shapes of the names the program makes: it does not start with `_` (`_part2`)
  or with `node` and a digit (`node7`), and does not end in `_grad` or `_d` and digits
  (`x_grad`, `x_d0`, what the program derives from a node's name);
- is no other node's name after normalisation (`µ` and `μ`, `ａ` and `a` name no variable).

Every other node is `node{i}`, i its place in the topological order, as the stepper numbers it.
So names from labels, positional names, derived names and the program's own are disjoint sets.
User text (labels, op names, f's name) is shown only inside comments, escaped by `escape`.
"""

from __future__ import annotations

import builtins
import keyword
import operator
import re
import unicodedata
from itertools import compress
from typing import TYPE_CHECKING, Any

from autograd.compiler.trace import CONST, SLOT, Trace
from autograd.core.ops import FLOAT_MATH, OPS
from autograd.transforms.argtree import position

if TYPE_CHECKING:  # symbols.Names reads reserved() from here
    from autograd.compiler.symbols import Names

INPUTS, LIVE_VALUES = "inputs", "captured"  # the program's two parameters
PROGRAM = "program"
# The globals a program may read by name besides the built-in ops (symbols.Names binds them)
# and the tables user ops and odd constants are read from (`user_ops[0](x)`).
GLOBALS = ("DomainFailure", "FLOAT_MATH", "isfinite", "nan", "inf", "minus_inf")
TABLES = ("user_ops", "user_checks", "user_partials", "constants", "functions")
SHOWN = 60  # characters of a label or an op name shown in a comment, at most
_DERIVED = re.compile(r"_|node[0-9]|.*(?:_grad|_d[0-9]+)$", re.ASCII | re.DOTALL)


def reserved() -> frozenset[str]:
    """Every name the program itself may use: no label or parameter is named after one."""
    own = {INPUTS, LIVE_VALUES, PROGRAM, *GLOBALS, *TABLES}
    for name in OPS:  # the built-in ops: called by name, their checks and rules too
        own.update((name, f"check_{name}", f"partials_{name}"))
    own.update(n for n in vars(FLOAT_MATH) if not n.startswith("_"))
    return frozenset((*own, *dir(builtins), *keyword.kwlist, *keyword.softkwlist))


def exact(text: str) -> str:
    """A str subclass's text as a plain str, without running any of its methods."""
    return str.__str__(text)


def candidate(text: Any, taken: frozenset[str]) -> str | None:
    """The name `text` may give a variable (its NFKC form), or None if the rule refuses it."""
    if not isinstance(text, str) or not text:
        return None
    name = unicodedata.normalize("NFKC", exact(text))
    if not (name.isascii() and name.isidentifier()) or name in taken or _DERIVED.match(name):
        return None
    return name


def slot_text(where: Any, parameters: list[str]) -> str:
    """An input slot's name from f's parameter and its place (`xs_0_1`); may not be a name."""
    argument, indices = position(where)
    if argument < len(parameters):
        head = parameters[argument]
    else:  # an argument f takes by *args: `args[3]` is `args_3`
        head, indices = "args", [argument, *indices]
    if not isinstance(head, str):
        return ""
    return exact(head) + "".join(f"_{i}" for i in indices)


HIDDEN = "<inside a unit>"  # the name of a node only a unit's function has: never written


def variables(trace: Trace, places: list[Any], names: Names,
              hidden: bytes | None = None) -> list[str]:
    """A name per node by the rule above (a constant's: its exact text, `names.literal`);
    `places`: each input slot's place in f's arguments; `hidden`: the nodes that live inside
    a repeated unit's function only (their name is HIDDEN, and no label name is taken by them)."""
    taken, literal = names.own, names.literal
    order, kinds = trace.order, trace.kinds
    wanted: list[str | None] = [None] * len(order)
    seen: dict[str, int] = {}  # normalised name -> how many nodes want it
    memo: dict[str, str | None] = {}
    shown = range(len(order)) if hidden is None else \
        list(compress(range(len(order)), map(operator.not_, hidden)))
    for i in shown:
        node, kind = order[i], kinds[i]
        if kind[0] == CONST:
            continue
        text = slot_text(places[kind[1]], trace.names) if kind[0] == SLOT else node.label
        if text.__class__ is str:  # labels repeat (or are ""): normalise each text once
            name = memo.get(text, False)
            if name is False:
                name = memo[text] = candidate(text, taken)
        else:
            name = candidate(text, taken)
        if name is not None:
            wanted[i] = name
            seen[name] = seen.get(name, 0) + 1
    out = [HIDDEN] * len(order)
    for i in shown:
        node, kind = order[i], kinds[i]
        if kind[0] == CONST:
            out[i] = literal(node.data)
            continue
        name = wanted[i]
        out[i] = name if name is not None and seen[name] == 1 else f"node{i}"
    return out


def labelled(label: Any) -> bool:
    """A node someone named: a non-empty label (or anything but None set as one)."""
    return str.__len__(label) > 0 if isinstance(label, str) else label is not None


def escape(text: Any, limit: int = SHOWN) -> str:
    """User text as a comment may show it: at most `limit` characters, every unprintable one
    (a newline, `\\x85`, `\\u2028`: all that end a line) written as its escape."""
    if not isinstance(text, str):
        return f"<{escape(type(text).__name__, limit)}>"
    text = exact(text)
    if len(text) > limit:
        text = text[:limit] + "..."
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def quoted(label: Any) -> str:
    """A label in a comment: quoted and escaped (`'µ'`, `'a\\nb'`)."""
    return f"'{escape(label)}'" if isinstance(label, str) else escape(label)
