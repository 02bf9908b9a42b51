"""Shared by the viz tests: the micrograd neuron, SVG parsing, and needing `dot` / Chromium."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from autograd import OPS, Value

# need, need_module and CHROMIUM live in tests/needs.py, shared by every test; pytest puts tests/
# on sys.path, and this puts it there for a script that imports this file alone (a subprocess).
sys.path.append(str(Path(__file__).resolve().parents[2]))
from needs import CHROMIUM, need, need_module  # noqa: E402, F401, I001

SVG = "{http://www.w3.org/2000/svg}"


def neuron() -> tuple[Value, dict[str, Value]]:
    """micrograd's tanh neuron o = tanh(x1*w1 + x2*w2 + b), labelled as in its README."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "o": o}


@dataclass
class Drawn:
    """What an SVG drawing shows: node id -> its text fields, and edges (tail, head) in order."""

    texts: dict[str, list[str]] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    fills: dict[str, set[str]] = field(default_factory=dict)

    def records(self) -> dict[str, list[str]]:
        """The Value records: nodes whose text has a `data` field."""
        return {k: v for k, v in self.texts.items() if any(t.startswith("data ") for t in v)}

    def field_of(self, node: str, name: str) -> float:
        return float(next(t for t in self.texts[node] if t.startswith(name + " "))[len(name):])


def parse_svg(svg: str) -> Drawn:
    """Parse Graphviz SVG with xml.etree: each node's texts and fill colours, and the edges."""
    drawn = Drawn()
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        kinds = (group.get("class") or "").split()  # the step's node is "node step"
        title = group.findtext(f"{SVG}title")
        if "node" in kinds:
            drawn.texts[title] = [(t.text or "").strip() for t in group.iter(f"{SVG}text")]
            drawn.fills[title] = {
                s.get("fill") for s in group if s.tag in (f"{SVG}polygon", f"{SVG}ellipse")
            }
        elif "edge" in kinds:
            tail, head = title.split("->")
            drawn.edges.append((tail, head))
    return drawn


def evaluate(drawn: Drawn, leaves: dict[str, float]) -> float:
    """Recompute the drawn graph from the picture alone: leaves by label, ops by their symbol."""
    values: dict[str, float] = {}
    for key, texts in drawn.records().items():
        values[key] = leaves.get(texts[0], drawn.field_of(key, "data"))
    pending = {tail[: -len("_op")]: tail for tail, _ in drawn.edges if tail.endswith("_op")}
    while pending:  # node ids are topological positions, but don't rely on it: iterate
        before = len(pending)
        for node, op_id in list(pending.items()):
            inputs = [tail for tail, head in drawn.edges if head == op_id]
            if any(i in pending for i in inputs):
                continue
            symbol = drawn.texts[op_id][0]
            op = next(o for o in OPS.values() if o.symbol == symbol and o.arity == len(inputs))
            values[node] = op.forward(*(values[i] for i in inputs))
            del pending[node]
        assert len(pending) < before, "the drawn graph has a cycle or a missing input"
    root = next(key for key in drawn.records() if not any(t == key for t, _ in drawn.edges))
    return values[root]
