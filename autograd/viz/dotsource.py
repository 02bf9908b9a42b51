"""DOT text without the graphviz package: the few statements draw_dot writes, quoted as it quotes.

So a graph's DOT can be made where only the standard library is (Pyodide in a browser, a
pip-only install): `to_dot` returns it as a str, and `draw_dot` puts the same lines into a
`graphviz.Digraph` for rendering. The output is byte for byte what graphviz (0.20+) writes for
the same calls: attributes sorted by name after the label, identifiers quoted only when needed.
"""

from __future__ import annotations

import re

_HTML = re.compile(r"<.*>$", re.DOTALL)
_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
_QUOTE = re.compile(r'(?P<backslashes>(?:\\{2})*)\\?(?P<quote>")')


class NoHtml(str):
    """A label shown as text: `<...>` in it is not a Graphviz HTML-like label."""

    __slots__ = ()


def quote(identifier: str) -> str:
    """`identifier` as a DOT ID: bare if it is a name or number, else in escaped double quotes.

    An HTML-like `<...>` stays bare unless it is a `NoHtml` (every user text in stepgrad is).
    """
    if _HTML.match(identifier) and not isinstance(identifier, NoHtml):
        return identifier
    if not _ID.match(identifier) or identifier.lower() in _KEYWORDS:
        return '"' + _QUOTE.sub(r'\g<backslashes>\\\g<quote>', identifier) + '"'
    return identifier


def _attributes(label: str | None, attrs: dict[str, str | None]) -> str:
    parts = [f"label={quote(label)}"] if label is not None else []
    parts += [f"{quote(k)}={quote(v)}" for k, v in sorted(attrs.items()) if v is not None]
    return " ".join(parts)


class DotGraph:
    """A directed graph as DOT lines: `node`, `edge`, `attr` and `subgraph`, as graphviz's."""

    def __init__(self, name: str | None = None, graph_attr: dict[str, str] | None = None) -> None:
        self.name, self.graph_attr = name, dict(graph_attr or {})
        self.body: list[str] = []

    def node(self, name: str, label: str | None = None, **attrs: str | None) -> None:
        listed = _attributes(label, attrs)
        self.body.append(f"\t{quote(name)}{f' [{listed}]' if listed else ''}\n")

    def edge(self, tail: str, head: str, label: str | None = None, **attrs: str | None) -> None:
        listed = _attributes(label, attrs)
        self.body.append(f"\t{quote(tail)} -> {quote(head)}{f' [{listed}]' if listed else ''}\n")

    def attr(self, **attrs: str | None) -> None:
        if attrs:
            self.body.append(f"\t{_attributes(None, attrs)}\n")

    def subgraph(self, graph: DotGraph) -> None:
        self.body += [f"\t{line}" for line in graph.lines(subgraph=True)]

    def head(self) -> list[str]:
        """The lines before the body: `digraph {` and the graph's own attributes."""
        lines = ["digraph {\n"]
        if self.graph_attr:
            lines.append(f"\tgraph [{_attributes(None, self.graph_attr)}]\n")
        return lines

    def lines(self, subgraph: bool = False) -> list[str]:
        if subgraph:
            start = [f"subgraph {quote(self.name)} {{\n" if self.name else "{\n"]
            start += self.head()[1:]
        else:
            start = self.head()
        return [*start, *self.body, "}\n"]

    @property
    def source(self) -> str:
        """The DOT text, as `graphviz.Digraph.source` would give it."""
        return "".join(self.lines())
