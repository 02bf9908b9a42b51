"""How Jupyter shows stepgrad's objects: small HTML renderings, read by their `_repr_html_`.

Each keeps the plain text as its fallback (the REPL is unchanged), uses the same names and
numbers as the text, escapes every label, and sets no colours, so dark themes still read.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from autograd.core.text import fmt, shorten

if TYPE_CHECKING:
    from autograd.core.value import Value
    from autograd.introspect.explain import Explanation
    from autograd.introspect.stepper import Step

_SEP = "border-left:1px solid #888"


def value_html(v: Value) -> str:
    """A Value as a one-line record, as drawings show it: label | data | grad | op."""
    texts = [f"data {fmt(v.data)}", f"grad {fmt(v.grad)}"] + ([f"op {v.op}"] if v.op else [])
    cells = [f"<b>{html.escape(v.label)}</b>"] if v.label else []
    cells += [html.escape(text) for text in texts]
    inner = "".join(f'<span style="padding:1px 6px{";" + _SEP if k else ""}">{cell}</span>'
                    for k, cell in enumerate(cells))
    return (f'<span class="stepgrad-value" title="{html.escape(repr(v))}" style="display:'
            f'inline-flex;border:1px solid #888;border-radius:3px;font-family:monospace">'
            f"{inner}</span>")


# explain()'s columns and how each aligns: explicitly both ways, as notebook front ends
# right-align every table cell by default.
_COLUMNS = (("#", "right"), ("node", "left"), ("op", "left"), ("formula", "left"),
            ("data", "right"), ("grad", "right"))


def explanation_html(rows: Explanation) -> str:
    """`explain()`'s table as an HTML table: the same columns and cells as its text."""
    head = "".join(f'<th style="text-align:{side}">{name}</th>' for name, side in _COLUMNS)
    body = []
    for r in rows:
        cells = (str(r.index), _code(shorten(r.name)), html.escape(shorten(r.op or "leaf")),
                 _code(shorten(r.formula)),
                 fmt(r.data), html.escape(fmt(r.grad)))
        body.append("<tr>" + "".join(f'<td style="text-align:{side}">{cell}</td>'
                                     for (_, side), cell in zip(_COLUMNS, cells)) + "</tr>")
    return (f'<table class="stepgrad-explain"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>" if text else ""


def pre_html(text: str) -> str:
    """Text that must keep its lines and columns (`text_graph()`), as an escaped <pre>."""
    return f'<pre class="stepgrad-text">{html.escape(text)}</pre>'


def step_html(step: Step) -> str:
    """A backprop step: its heading, then its chain-rule lines."""
    return (f'<div class="stepgrad-step"><b>{html.escape(step.heading)}</b>'
            f"{pre_html(str(step))}</div>")


SOURCE_LINES = 400
"""At most this many lines of a compiled program are shown in a cell; print `.source` for all."""


def source_html(source: str) -> str:
    """Python source (a compiled program), highlighted by pygments if it is installed.

    A long program shows its first `SOURCE_LINES` lines and says how many more there are.
    """
    lines = source.splitlines()
    note = ""
    if len(lines) > SOURCE_LINES:
        note = (f"<p><i>... {len(lines) - SOURCE_LINES:,} more lines: "
                "<code>print(compiled.source)</code> shows them all</i></p>")
        source = "\n".join(lines[:SOURCE_LINES]) + "\n"
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return pre_html(source) + note
    return highlight(source, PythonLexer(), HtmlFormatter(noclasses=True)) + note
