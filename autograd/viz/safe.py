"""User text on its way into DOT, and SVG on its way out: a label is always shown as text.

Every string a user gave (labels, group names, colours) goes into DOT through `plain` or
`record_field`, never as is: no label can become Graphviz markup (an HTML-like `<...>` label, a
record field, a `\\N` escape) or break the DOT syntax. And every SVG `dot` writes passes
`check_svg` before anyone gets it: as defence in depth, a link to `javascript:` (or any script
scheme), an event handler, a `<script>` or a `<foreignObject>` is refused, whatever made it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from autograd.core.text import printable
from autograd.viz.dotsource import NoHtml

_RECORD_SYNTAX = frozenset('\\{}|<>"')
_COLOUR = re.compile(r"[#/A-Za-z0-9][A-Za-z0-9 ,.#/:;]{0,63}")  # names, #rgb, HSV, lists
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_INSTRUCTION = re.compile(r"<\?([^\s?>]*)")
_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "object", "embed"}


class UnsafeSVGError(ValueError):
    """`dot` wrote SVG with something that could run script: it is refused, never returned."""


def plain(*lines: str) -> NoHtml:
    """The lines as a DOT label that shows them literally: never HTML-like, no `\\` escapes.

    Non-printable characters inside a line (newline, NUL, lone surrogates) show as Python
    escapes (`\\n`); graphviz's quoting escapes quotes.
    """
    return NoHtml("\\n".join(printable(line).replace("\\", "\\\\") for line in lines))


def record_field(text: str) -> str:
    """`text` as one field of a record label: record syntax characters get a backslash."""
    return "".join("\\" + ch if ch in _RECORD_SYNTAX else ch for ch in printable(text))


def colour(value: object, option: str) -> str:
    """A Graphviz colour given as an option (`"#ffe082"`, `"red"`, `"0.1 0.5 0.9"`), checked."""
    if not isinstance(value, str):
        raise TypeError(f"draw_dot: {option} must be a colour str such as '#ffe082' or 'red', "
                        f"not {type(value).__name__}")
    if not _COLOUR.fullmatch(value):
        raise ValueError(f"draw_dot: {option} must be a Graphviz colour such as '#ffe082' or "
                         f"'red', not {printable(value)!r}")
    return value


def check_svg(svg: str) -> str:
    """`svg` itself if nothing in it can run script; else UnsafeSVGError saying what was found."""
    # The XML parser drops processing instructions, so they are read from the text: only the
    # `<?xml ...?>` declaration may stand (an `<?xml-stylesheet?>` can link anything).
    for found in _INSTRUCTION.finditer(svg):
        if found.group(1) != "xml":
            raise UnsafeSVGError(f"refused SVG: it has a processing instruction "
                                 f"<?{printable(found.group(1)[:40])}")
    try:
        tree = ET.fromstring(svg)
    except ET.ParseError as error:
        raise UnsafeSVGError(f"refused SVG: it is not well-formed XML ({error})") from None
    for element in tree.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in _FORBIDDEN_ELEMENTS:
            raise UnsafeSVGError(f"refused SVG: it has a <{tag}> element")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise UnsafeSVGError(f"refused SVG: it has an event handler ({local}=)")
            if local in ("href", "src", "action", "formaction") and _unsafe_link(value):
                raise UnsafeSVGError(f"refused SVG: it links to {printable(value[:40])!r}")
    return svg


def _unsafe_link(value: str) -> bool:
    """A link whose scheme is not plain web or mail (`javascript:`, `data:`, `vbscript:`...)."""
    # Browsers ignore whitespace and control characters inside a scheme: so does this.
    bare = "".join(ch for ch in value if ch > " ").lower()
    scheme = re.match(r"[a-z][a-z0-9+.\-]*:", bare)
    return scheme is not None and scheme.group() not in _SAFE_SCHEMES
