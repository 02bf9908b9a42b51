"""The Console's Python side: run the learner's code, and show its outputs as Jupyter would.

`print` and errors are text; the value of the last line, or anything passed to `display()`,
is shown by its richest Jupyter representation: SVG (`draw_dot`'s drawing, through Graphviz in
WebAssembly), HTML (`player`, `explain()`, a Value) or its repr. This runs whatever is typed, on
purpose: it is the learner's own Python, in their own browser tab, like a notebook cell.
"""

from __future__ import annotations

import ast
import contextlib
import json
import sys
import traceback
from typing import Any

README_EXAMPLE = '''\
from autograd import Value, draw_dot
x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.8813735870195432, "b")
o = (x * w + b).tanh(); o.label = "o"
print(o)
o.backward()
print(x, w, b, sep="\\n")
print(o.parents)
draw_dot(o)
'''
"""The README's REPL example, printed as the REPL shows it, then its graph drawn."""


class _Outputs:
    """What one run showed, in order: consecutive printed text is one block."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, kind: str, data: str) -> None:
        if kind in ("text", "error") and self.items and self.items[-1]["kind"] == kind:
            self.items[-1]["data"] += data
        else:
            self.items.append({"kind": kind, "data": data})

    def write(self, text: str) -> int:  # sys.stdout and sys.stderr while the code runs
        self.add("text", text)
        return len(text)

    def flush(self) -> None:
        pass


_current: _Outputs | None = None


def display(*objects: Any) -> None:
    """Show each object as a notebook would: SVG, else HTML, else its repr."""
    for obj in objects:
        _show(obj, _current if _current is not None else _Outputs())


def _show(obj: Any, outputs: _Outputs) -> None:
    try:
        if hasattr(obj, "_repr_mimebundle_"):  # graphviz's drawings: SVG, drawn by the page
            bundle = obj._repr_mimebundle_(include=["image/svg+xml"]) or {}
            if "image/svg+xml" in bundle:
                outputs.add("svg", bundle["image/svg+xml"])
                return
        if hasattr(obj, "_repr_html_"):
            outputs.add("html", obj._repr_html_())
        elif hasattr(obj, "_repr_svg_"):
            outputs.add("svg", obj._repr_svg_())
        else:
            outputs.add("text", repr(obj) + "\n")
    except Exception:  # noqa: BLE001 - a failing display is shown, as Jupyter shows it
        outputs.add("error", _trace())


NAMESPACE: dict[str, Any] = {"__name__": "__console__", "display": display}


def call(request: str) -> str:
    """`{"code"}` in (or `{"example": true}` for the opening code), the outputs as JSON."""
    asked = json.loads(request)
    if asked.get("example"):
        return json.dumps(README_EXAMPLE)
    return run(asked["code"])


def run(code: str) -> str:
    """Run `code` in the console's namespace (kept between runs); its outputs as JSON."""
    global _current
    outputs = _current = _Outputs()
    try:
        tree = ast.parse(code, "<console>", "exec")
    except SyntaxError:
        outputs.add("error", "".join(traceback.format_exception_only(*sys.exc_info()[:2])))
        return json.dumps(outputs.items)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    try:
        with contextlib.redirect_stdout(outputs), contextlib.redirect_stderr(outputs):
            exec(compile(tree, "<console>", "exec"), NAMESPACE)  # noqa: S102 - the point
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<console>", "eval"), NAMESPACE)
                if value is not None:
                    _show(value, outputs)
    except BaseException:  # noqa: BLE001 - a KeyboardInterrupt or SystemExit too: it is shown
        outputs.add("error", _trace())
    finally:
        _current = None
    return json.dumps(outputs.items)


def _trace() -> str:
    """The traceback from the learner's code on: this module's frames are left out."""
    kind, error, tb = sys.exc_info()
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(kind, error, tb))
