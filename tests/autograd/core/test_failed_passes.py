"""A pass that fails, or is interrupted, changes no `.grad`; its error names the unusable one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from needs import need

from autograd import Value, detect_anomaly, topological_order


def plain(y):
    y.backward()


def anomaly(y):
    with detect_anomaly():
        y.backward()


def create_graph(y):
    y.backward(create_graph=True)


def stepped(y):
    for _ in y.backward_steps():
        pass


PASSES = [pytest.param(f, id=f.__name__) for f in (plain, anomaly, create_graph)]


def number(g):
    return g.data if isinstance(g, Value) else g


@pytest.mark.parametrize("run", PASSES)
@pytest.mark.parametrize("bad", [None, "0.0", [0.0]], ids=["None", "str", "list"])
def test_a_pass_over_an_unusable_grad_changes_nothing_and_names_it(run, bad):
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    h = (x * w).tanh()
    h.label = "h"
    y = h * 5.0 + x  # x comes first in the order, h late: a half-done commit would show
    y.backward()
    h.grad = bad
    nodes = topological_order(y)
    before = {node: node.grad for node in nodes}
    with pytest.raises(TypeError) as caught:
        run(y)
    assert {node: node.grad for node in nodes} == before
    message = str(caught.value)
    assert "tanh node h=" in message and type(bad).__name__ in message
    assert "No .grad was changed" in message
    h.grad = 0.0
    run(y)  # and the graph is not left broken: the next pass works


def test_a_step_over_an_unusable_grad_changes_nothing_and_names_it():
    x = Value(2.0, "x")
    y = x * 3.0 + x
    steps = y.backward_steps()
    next(steps)
    x.grad = None
    before = {node: node.grad for node in topological_order(y)}
    with pytest.raises(TypeError, match=r"backward_steps: the \.grad of the leaf x=2\.0 is "
                                        r"NoneType"):
        next(steps)
    assert {node: node.grad for node in topological_order(y)} == before


@pytest.mark.parametrize("run", [*PASSES, pytest.param(stepped, id="stepped")])
def test_a_grad_set_to_a_str_before_the_pass_is_named(run):
    x = Value(1.0, "x")
    y = x * 2.0
    x.grad = "oops"
    with pytest.raises(TypeError, match=r"the \.grad of the leaf x=1\.0 is str \('oops'\)"):
        run(y)
    # The stepper applies a pass one step at a time: step 0 (the seed) happened.
    assert x.grad == "oops" and y.grad == (1.0 if run is stepped else 0.0)


PROBE = Path(__file__).with_name("interrupt_probe.py")


# Ctrl-C at random moments runs in a child process of its own: an interrupt that lands in the
# test runner's own machinery (its finalizers, its hooks) would fail the runner, not the pass.
@pytest.mark.parametrize("path", ["plain", "anomaly", "create_graph"])
def test_an_interrupt_lands_before_or_after_a_commit_never_inside(path):
    done = subprocess.run([sys.executable, str(PROBE), path], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["interrupted", "40", "passes;", "none", "half", "committed"]


@pytest.mark.parametrize("run", [*PASSES, pytest.param(stepped, id="stepped")])
def test_parents_edited_to_too_few_for_the_op_are_named(run):
    a = Value(1.0, "a")
    b = a * 2.0
    b.label = "b"
    b.parents = (a,)
    with pytest.raises(ValueError, match=r"the mul node b=2\.0 has 1 parent\(s\), but "
                                         r"mul takes 2: was \.parents edited\?"):
        run(b)
    assert a.grad == 0.0 and b.grad == 0.0  # the stepper refuses before its seed, too


def test_an_op_node_edited_to_no_parents_is_named_by_backward():
    a = Value(1.0, "a")
    b = (a * 2.0) + a
    b.label = "b"
    b.parents = ()
    with pytest.raises(ValueError, match=r"the add node b=3\.0 has 0 parent\(s\), but add "):
        b.backward()
    assert a.grad == 0.0 and b.grad == 0.0


@pytest.mark.parametrize("bad, error, message", [
    ((1.0,), TypeError, r"the \.parents of b=2\.0 cannot be .* expected a tuple of Values"),
    (None, TypeError, r"the \.parents of b=2\.0 cannot be None: expected a tuple of Values"),
    (3.0, TypeError, r"the \.parents of b=2\.0 cannot be 3\.0: expected a tuple of Values"),
    ("ab", TypeError, r"the \.parents of b=2\.0 cannot be 'ab': expected a tuple of Values"),
    ((2, 2, 2), ValueError, r"b=2\.0 cannot have 3 parents: no op takes more than two"),
])
def test_parents_edited_badly_are_refused_at_the_edit_naming_the_node(bad, error, message):
    """`parents` lives in two slots that the walk reads as given, so the edit itself is checked.

    In a `bad` tuple, 2 stands for the node's own parent `a`.
    """
    a = Value(1.0, "a")
    b = a * 2.0
    b.label = "b"
    before = b.parents
    with pytest.raises(error, match="parents: " + message):
        b.parents = tuple(a if x == 2 else x for x in bad) if isinstance(bad, tuple) else bad
    assert b.parents == before
    b.backward()
    assert a.grad == 2.0


@pytest.mark.parametrize("edit", ["itself", "its child", "a descendant three ops down"])
def test_an_edit_that_would_make_a_cycle_is_refused_naming_the_node(edit):
    w = Value(0.5, "w")
    a = w * 2.0  # an op's node: a leaf cannot take parents at all
    a.label = "a"
    before = a.parents
    b = a * 2.0
    b.label = "b"
    c = (b + 1.0).tanh()
    d = c.exp() * c
    new_parent = {"itself": a, "its child": b, "a descendant three ops down": d}[edit]
    with pytest.raises(ValueError, match=r"parents: a=1\.0 cannot take these parents: it is one "
                                         r"of their own ancestors"):
        a.parents = (new_parent, Value(3.0))
    assert a.parents == before  # unchanged
    d.backward()
    assert w.grad != 0.0  # and the graph still backpropagates through it


def test_an_edit_that_makes_no_cycle_is_kept():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    c.parents = (b, a)  # operands swapped: no node is its own ancestor
    c.backward()
    assert (a.grad, b.grad) == (2.0, 1.0)


# --- nodes edited through .parents, and every display -------------------------------------------


def _displays():
    """Every view of a graph, each run to its end: (name, function of the root)."""
    from autograd import draw_dot, explain, text_graph
    from autograd.viz import step_frames

    def drawn(root, **options):
        need("dot")
        from autograd.viz import to_svg

        return to_svg(draw_dot(root, **options))

    def frames(root):
        need("dot")
        return step_frames(root)

    return {
        "repr": repr, "explain": lambda r: str(explain(r)), "text_graph": text_graph,
        "draw_dot": drawn, "draw_dot edge_labels": lambda r: drawn(r, edge_labels=True),
        "stepper": lambda r: [(s.heading, str(s)) for s in r.backward_steps()],
        "player frames": frames,
    }


DISPLAYS = sorted(_displays())


@pytest.mark.parametrize("display", DISPLAYS)
def test_a_leaf_given_parents_is_refused_at_the_edit_and_every_display_still_works(display):
    # A leaf has no op, so nothing could read its parents: no rule, no formula, no op box;
    # the displays crashed on it (AttributeError). The edit is refused, changing nothing.
    def graph():
        a, x = Value(1.0, "a"), Value(3.0, "x")
        return a, x, (x * a).tanh()

    a, x, root = graph()
    with pytest.raises(ValueError, match=r"parents: x=3\.0 is a leaf \(no op made it\), so it "
                                         r"cannot take parents"):
        x.parents = (a, Value(2.0, "b"))
    with pytest.raises(ValueError, match="is a leaf"):
        x.parents = [a]
    assert x.parents == () and x._a is None
    x.parents = ()  # no parents is what a leaf has: fine
    shown = _displays()[display](root)
    assert shown and shown == _displays()[display](graph()[2])  # as if never edited


def short_mul() -> Value:
    """tanh of a mul node edited to one parent (allowed: backward names it)."""
    a = Value(1.0, "a")
    b = a * 2.0  # unlabelled: its name would be its formula
    b.parents = (a,)
    return b.tanh()


def test_repr_shows_an_op_node_whose_parents_no_longer_fit_its_op():
    assert repr(short_mul()) == "Value(0.964028, grad=0.0, op='tanh')"


@pytest.mark.parametrize("display", [d for d in DISPLAYS if d != "repr"])
def test_every_display_names_an_op_node_whose_parents_no_longer_fit_its_op(display):
    # With no formula that fits it, every display refuses it as backward does, naming the
    # node, instead of "mul: expected 2 operand names, got 1" (or drawing a wrong formula).
    root = short_mul()
    b = root.parents[0]
    a = b.parents[0]
    with pytest.raises(ValueError, match=r"the mul node 2\.0 has 1 parent\(s\), but mul takes "
                                         r"2: was \.parents edited\?"):
        _displays()[display](root)
    assert a.grad == 0.0 and b.grad == 0.0 and root.grad == 0.0  # nothing written
