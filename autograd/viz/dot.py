"""The graph as Graphviz DOT: one record per Value (name | data | grad), one small node per op.

Node ids are topological positions (`n0`, `n1`, ...), never `id()`, so one graph gives the same
DOT text byte for byte on every run. Colours are arguments; nothing is stored on the nodes.
A record is named by its label, else as the step-through text names it (`x*w`, `node#3`).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from autograd.core.backward import local_partials
from autograd.core.graph import edges, topological_order
from autograd.core.identity import identity_key
from autograd.core.text import printable, short
from autograd.core.value import Value
from autograd.introspect.explain import Names
from autograd.viz.dotsource import DotGraph
from autograd.viz.groups import Grouping, collapsed, group_members, group_of, within_depth
from autograd.viz.layout import choose_rankdir
from autograd.viz.options import check_options
from autograd.viz.safe import plain, record_field

if TYPE_CHECKING:
    import graphviz

    from autograd.introspect.stepper import Step

DEFAULT_MAX_NODES = 2000
"""Above this many nodes `draw_dot` refuses: `dot` would take minutes and the picture is a blur."""


def draw_dot(root: Value, **options: Any) -> graphviz.Digraph:
    """The graph `root` depends on as a `graphviz.Digraph`, micrograd style.

    Options (defaults): rankdir=None, show_grad=True, highlight=(), highlight_color="#ffe082",
    edge_labels=False, step=None, step_color="#ff7043", max_nodes=2000, max_depth=None,
    clusters=None, collapse=False.
    `rankdir` None runs left to right unless that would be far wider than tall, then top to
    bottom (`layout.choose_rankdir`); or give LR, TB, RL, BT. `highlight` fills the given nodes;
    `edge_labels` writes each local derivative on its edge;
    `step` (from `backward_steps`) marks that step's node and edges. For big graphs: `max_depth`
    keeps the nodes at most that many edges from the root, `clusters` (a number of dotted label
    parts, or a function naming each node's group) boxes named sub-expressions, and `collapse`
    draws each such group as one node (then `highlight`, `step` and `edge_labels`, which mark
    single nodes and edges, raise ValueError). Above `max_nodes` nodes (or groups) it raises
    ValueError at once, before drawing anything.
    Rendering needs Graphviz's `dot` program; `to_dot` gives the same DOT text without it.
    """
    graph = _graph(root, **_checked(options, "draw_dot"))
    from autograd.viz.rendering import digraph_class  # needs the graphviz package

    digraph = digraph_class()(format="svg", graph_attr=graph.graph_attr)
    digraph.body = list(graph.body)
    return digraph


def to_dot(root: Value, **options: Any) -> str:
    """The DOT text of `draw_dot(root, **options)`, made without the graphviz package.

    For drawing where there is no `dot` program (a browser renders it with Graphviz compiled
    to WebAssembly). The options and their checks are draw_dot's.
    """
    return _graph(root, **_checked(options, "to_dot")).source


def _checked(options: dict[str, Any], who: str) -> dict[str, Any]:
    """The options, if each is one draw_dot takes; else a TypeError naming the function."""
    unknown = [name for name in options if name not in _OPTIONS]
    if unknown:
        raise TypeError(f"{who}: unknown option {unknown[0]!r}; the options are "
                        f"{', '.join(_OPTIONS)}")
    return options


def _graph(
    root: Value,
    *,
    rankdir: str | None = None,
    show_grad: bool = True,
    highlight: Iterable[Value] = (),
    highlight_color: str = "#ffe082",
    edge_labels: bool = False,
    step: Step | None = None,
    step_color: str = "#ff7043",
    max_nodes: int = DEFAULT_MAX_NODES,
    max_depth: int | None = None,
    clusters: Grouping = None,
    collapse: bool = False,
) -> DotGraph:
    """The graph as DOT lines: what draw_dot and to_dot draw (their options, with defaults)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot: root must be a Value, got {type(root).__name__}")
    marked = check_options(rankdir=rankdir, show_grad=show_grad, highlight=highlight,
                           highlight_color=highlight_color, edge_labels=edge_labels, step=step,
                           step_color=step_color, max_nodes=max_nodes, max_depth=max_depth,
                           collapse=collapse)
    if max_depth is not None:
        order, cut = within_depth(root, max_depth)
    else:
        order, cut = topological_order(root), set()
    key = identity_key  # every set and dict of nodes here is keyed by identity
    if collapse:
        return _collapsed(root, order, cut, rankdir, show_grad, max_nodes, max_depth, clusters,
                          _refused(marked, step, edge_labels))
    _check_size(len(order), max_nodes, "nodes", max_depth)
    name_of = _names(order, cut)  # first: it refuses a label that is not a str
    groups = group_of(order, clusters)
    fields = lambda v: _fields(v, name_of, show_grad)  # noqa: E731
    dot = _digraph(rankdir or choose_rankdir(order, cut, fields))
    ids = {key(node): f"n{i}" for i, node in enumerate(order)}
    current, flows = _step_marks(step)
    subgraphs: dict[str, DotGraph] = {}
    for node in order:
        k = key(node)
        name = groups.get(k)
        target = dot if name is None else _cluster(subgraphs, name)
        fill = step_color if node is current else highlight_color if k in marked else None
        # The step's node is class "step" in the SVG: the player and the widget scroll to it.
        mark = {"class": "step"} if node is current else {}
        target.node(ids[k], _record(node, name_of, show_grad), **_record_style(fill, k in cut),
                    **mark)
        if node.parents and k not in cut:
            _draw_op(target, ids[k], node.op, step_color if node is current else None)
    for name, sub in subgraphs.items():
        sub.attr(label=plain(name), style="rounded,dashed", color="gray50", fontcolor="gray30")
        dot.subgraph(sub)
    inner = [n for n in order if key(n) not in cut]
    partials = {key(n): _partials(n) for n in inner if n.parents} if edge_labels else {}
    for parent, node, i in edges(inner):  # a + a gives two
        attrs = _input_style(node, i, partials.get(key(node)), flows if node is current else {},
                             step_color)
        dot.edge(ids[key(parent)], ids[key(node)] + "_op", **attrs)
    if cut:
        _footer(dot, f"max_depth={max_depth}: {len(cut)} dashed node(s) have inputs not drawn")
    return dot


_OPTIONS = tuple(inspect.signature(_graph).parameters)[1:]


def _refused(marked: set, step: Step | None, edge_labels: bool) -> list[str]:
    """The options that mark single nodes or edges, which a collapsed drawing does not have."""
    given = {"highlight": bool(marked), "step": step is not None, "edge_labels": edge_labels}
    return [option for option, used in given.items() if used]


def _collapsed(root: Value, order: list[Value], cut: set, rankdir: str, show_grad: bool,
               max_nodes: int, max_depth: int | None, clusters: Grouping,
               refused: list[str]) -> DotGraph:
    """draw_dot(collapse=True): one box per group (by default the first two dotted label parts,
    "layers.0" of nn's names), counted edges between groups; checked for size before drawing."""
    if refused:
        raise ValueError(f"draw_dot: collapse=True draws one box per group, so it cannot show "
                         f"{', '.join(refused)} (they mark single nodes and edges): drop "
                         f"collapse=True, or those options")
    name_of = _names(order, cut)  # first: it refuses a label that is not a str
    groups = group_of(order, clusters if clusters is not None else 2)
    members = group_members(order, groups)
    _check_size(len(members), max_nodes, "groups", max_depth)
    dot = _digraph(rankdir or "LR")  # one box per group: few ranks, so left to right
    inner = (n for n in order if identity_key(n) not in cut)
    collapsed(dot, members, groups, inner, root, lambda v: _record(v, name_of, show_grad))
    if cut:
        _footer(dot, f"max_depth={max_depth}: {len(cut)} node(s) in these groups have inputs "
                     f"not drawn")
    return dot


def _footer(dot: DotGraph, text: str) -> None:
    dot.attr(label=plain(text), fontsize="10", labelloc="b")


def _digraph(rankdir: str) -> DotGraph:
    """An empty graph laid out `rankdir`, ranks and nodes a little closer than Graphviz's
    defaults (0.5 and 0.25 inch): a drawing fitted to a notebook cell then keeps a larger text."""
    return DotGraph(graph_attr={"rankdir": rankdir, "ranksep": "0.3", "nodesep": "0.2"})


class GraphTooBigError(ValueError):
    """draw_dot refused: `count` nodes (or groups) to draw, more than `limit` (max_nodes)."""

    def __init__(self, message: str, count: int, limit: int) -> None:
        super().__init__(message)
        self.count, self.limit = count, limit


def _check_size(count: int, max_nodes: int, what: str, max_depth: int | None) -> None:
    if count <= max_nodes:
        return
    depth = "a smaller max_depth" if max_depth is not None else "max_depth=4"
    raise GraphTooBigError(
        f"draw_dot: the graph has {count:,} {what}, more than max_nodes={max_nodes:,}; Graphviz "
        f"would take minutes and the picture would be unreadable. Draw a summary instead: "
        f"{depth} (only the nodes nearest the root), collapse=True (one box per named group, "
        f"see clusters=), or raise max_nodes to draw it anyway.",
        count, max_nodes,
    )


def _cluster(subgraphs: dict[str, DotGraph], name: str) -> DotGraph:
    """The Graphviz cluster for group `name`, made on first use (its order is first appearance)."""
    if name not in subgraphs:
        subgraphs[name] = DotGraph(name=f"cluster_{len(subgraphs)}")
    return subgraphs[name]


def _step_marks(step: Step | None) -> tuple[Value | None, dict[int, float]]:
    """The step's node and {operand position: gradient added} for its contributions."""
    if step is None:
        return None, {}
    return step.node, {c.position: c.added for c in step.contributions}


def fmt(x: Any) -> str:
    """A number as records show it: micrograd's %.4f for 0 and 0.001 <= |x| < 1e6, else %.4g.

    So a gradient of 2e-06 does not read 0.0000 and 1e300 is not 300 digits wide.
    A Value grad shows its data. Numbers on edges are the step text's (`short`) instead.
    """
    if isinstance(x, Value):
        x = x.data
    return f"{x:.4f}" if x == 0 or 1e-3 <= abs(x) < 1e6 else f"{x:.4g}"


def _names(order: list[Value], cut: set) -> Callable[[Value], str]:
    """How records name nodes: the label as given, else the stepper's name (`x*w`, `node#i`).

    `node#i` is the node's position in `order`, so it matches its id `n{i}`; without max_depth
    that is the stepper's numbering too. Naming never looks past max_depth's cut: an unlabelled
    node that is cut, or that depends on a cut node, is `node#i` (its formula would need inputs
    that are not drawn, and naming them would walk the very graph max_depth avoids).
    """
    names = Names(order, "draw_dot", short_labels=True)  # `w.1*x1`, not `node#5`, for nn
    key = identity_key
    beyond = set(cut)  # nodes whose inputs reach past the cut, in topological order
    for node in order:
        if any(key(p) in beyond for p in node.parents):
            beyond.add(key(node))

    def name_of(node: Value) -> str:
        if node.label:
            return printable(node.label)
        return f"node#{names.position(node)}" if key(node) in beyond else names(node)

    return name_of


def _fields(node: Value, name_of: Callable[[Value], str], show_grad: bool) -> list[str]:
    """The record's lines as shown: name, data and (if shown) grad."""
    fields = [name_of(node), f"data {fmt(node.data)}"]
    return [*fields, f"grad {fmt(node.grad)}"] if show_grad else fields


def _record(node: Value, name_of: Callable[[Value], str], show_grad: bool) -> str:
    name, *numbers = _fields(node, name_of, show_grad)
    return "{ " + " | ".join([record_field(name), *numbers]) + " }"


def _record_style(fill: str | None, cut: bool) -> dict[str, str]:
    style = {"shape": "record"}
    if fill is not None:
        style.update(style="filled" + (",dashed" if cut else ""), fillcolor=fill)
    elif cut:
        style["style"] = "dashed"
    return style


def _draw_op(target: Any, node_id: str, op: str, color: str | None) -> None:
    """The op's small node and its edge into the result's record (drawn as `node_id`)."""
    op_id = node_id + "_op"
    extra = {"style": "filled", "fillcolor": color} if color else {}
    target.node(op_id, plain(op), shape="ellipse", fontsize="11", margin="0.02,0.01",
                height="0.3", **extra)
    target.edge(op_id, node_id, **({"color": color, "penwidth": "2.5"} if color else {}))


def _partials(node: Value) -> tuple:
    """The node's local partials d(node)/d(operand) as floats; inf where not finite."""
    try:
        return local_partials(node)
    except ArithmeticError:  # e.g. sqrt'(0)
        return (math.inf,) * len(node.parents)


def _input_style(node: Value, i: int, partials: tuple | None, flows: dict[int, float],
                 color: str) -> dict[str, str]:
    """How the edge of operand `i` into `node`'s op looks: its position, derivative, step mark.

    Its numbers read as the step text beside a frame writes them (`short`): `+= -3.0` there.
    """
    attrs: dict[str, str] = {}
    if _operand_order_matters(node):  # no op takes more than two operands
        attrs.update(headlabel="ab"[i], labelfontsize="10", labelfontcolor="blue4")
    if partials is not None:
        attrs.update(label=plain(short(partials[i])), fontsize="10")
    if i in flows:
        # An xlabel is placed after layout: frames of one graph keep the same layout.
        attrs.update(color=color, penwidth="2.5", xlabel=plain(f"+= {short(flows[i])}"),
                     fontcolor=color, fontsize="10")
    return attrs


def _operand_order_matters(node: Value) -> bool:
    """Whether the op reads its operands in order (then edges are marked a, b): the table says."""
    return len(node.parents) > 1 and not node._fn.commutative

