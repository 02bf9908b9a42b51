"""draw_dot: what each node and edge shows, determinism, and the options, from the DOT text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from viz_helpers import neuron, parse_svg

from autograd import Value, sum_of, topological_order
from autograd.viz import draw_dot, to_svg

HERE = Path(__file__).parent
REPO = HERE.parents[2]


def edges_of(source: str) -> list[str]:
    return re.findall(r"^\t(\w+ -> \w+.*)$", source, flags=re.M)


def test_neuron_dot_matches_the_stored_snapshot():
    o, _ = neuron()
    o.backward()
    expected = (HERE / "neuron.dot").read_text()
    assert draw_dot(o).source == expected


def test_same_graph_built_twice_gives_byte_identical_dot():
    sources = []
    for _ in range(2):
        o, _ = neuron()
        o.backward()
        sources.append(draw_dot(o, edge_labels=True).source)
    assert sources[0] == sources[1]


def test_dot_is_identical_across_processes_with_different_hash_seeds():
    # Ids from id() or hash order would differ between processes: ours are topological positions.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from viz_helpers import neuron\n"
        "from autograd.viz import draw_dot\n"
        "o, _ = neuron(); o.backward(); print(draw_dot(o, edge_labels=True).source)\n"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code, str(HERE)], capture_output=True, text=True,
                       check=True, env={"PYTHONHASHSEED": seed}, cwd=REPO).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and "n9" in outputs.pop()


def test_records_show_label_data_and_grad_micrograd_style():
    o, v = neuron()
    o.backward()
    source = draw_dot(o).source
    assert '"{ x1 | data 2.0000 | grad -1.5000 }"' in source
    assert '"{ w1 | data -3.0000 | grad 1.0000 }"' in source
    assert '"{ o | data 0.7071 | grad 1.0000 }"' in source
    assert "grad" not in draw_dot(o, show_grad=False).source
    assert '"{ x1 | data 2.0000 }"' in draw_dot(o, show_grad=False).source


@pytest.mark.parametrize(("data", "shown"), [
    (0.0, "0.0000"), (0.5, "0.5000"), (-3.0, "-3.0000"), (0.001, "0.0010"),
    (999999.5, "999999.5000"), (2e-6, "2e-06"), (-2e-6, "-2e-06"), (1e6, "1e+06"),
    (1e300, "1e+300"), (-1.5e-300, "-1.5e-300"), (float("inf"), "inf"),
])
def test_record_numbers_are_short_and_never_hide_a_nonzero(data, shown):
    # %.4f alone showed a gradient of 2e-06 as 0.0000 and wrote 1e300 out in 300 digits.
    x = Value(data, "x")
    (x * 1.0).backward(data)
    assert f'"{{ x | data {shown} | grad {shown} }}"' in draw_dot(x * 1.0).source


def test_one_op_node_per_computed_value_with_its_symbol():
    o, _ = neuron()
    source = draw_dot(o).source
    ops = re.findall(r"^\t(n\d+_op) \[label=(\S+) ", source, flags=re.M)
    assert [label.strip('"') for _, label in ops] == ["*", "*", "+", "+", "tanh"]
    for op_id, _ in ops:  # each op feeds exactly its own result
        assert f"\t{op_id} -> {op_id[:-3]}\n" in source


def test_a_plus_a_draws_two_edges():
    a = Value(3.0, "a")
    source = draw_dot(a + a).source
    assert edges_of(source).count("n0 -> n1_op") == 2


@pytest.mark.parametrize("make", [lambda a, b: a - b, lambda a, b: a / b, lambda a, b: a**b],
                         ids=["sub", "div", "power"])
def test_operand_order_is_visible_for_non_commutative_ops(make):
    b, a = Value(2.0, "b"), Value(3.0, "a")  # b is created first, but a is operand 0
    source = draw_dot(make(a, b)).source
    a_id = re.search(r'^\t(n\d) \[label="\{ a ', source, flags=re.M).group(1)
    b_id = re.search(r'^\t(n\d) \[label="\{ b ', source, flags=re.M).group(1)
    inputs = [e for e in edges_of(source) if "_op" in e.split("->")[1]]
    assert [e.split()[0] for e in inputs] == [a_id, b_id]  # operand order
    assert "headlabel=a" in inputs[0] and "headlabel=b" in inputs[1]


@pytest.mark.parametrize("make", [lambda a, b: a + b, lambda a, b: a * b], ids=["add", "mul"])
def test_commutative_ops_carry_no_operand_marks(make):
    assert "headlabel" not in draw_dot(make(Value(2.0), Value(3.0))).source


def test_edge_labels_are_the_local_partials():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    y = (x * w).tanh() / w  # n0 x, n1 w, n2 x*w, n3 t = tanh(x*w), n4 t/w
    source = draw_dot(y, edge_labels=True).source
    shown = {}
    for edge in edges_of(source):
        ends, _, attrs = edge.partition(" [")
        if ends.endswith("_op"):
            shown.setdefault(ends.split(" -> ")[1], []).append(
                re.search(r"\blabel=(\S+)", attrs).group(1).strip('"'))
    # By hand: d(xw)/dx = w, d(xw)/dx = x; tanh' = 1 - tanh(-6)^2 = 2.45765e-05;
    # d(t/w)/dt = 1/w = -1/3, d(t/w)/dw = -t/w^2 = 0.99998771/9. Written as the step text does.
    assert shown == {"n2_op": ["-3.0", "2.0"], "n3_op": ["2.45765e-05"],
                     "n4_op": ["-0.333333", "0.11111"]}


def test_edge_labels_of_a_derivative_that_is_not_finite_read_inf():
    x = Value(0.0, "x")
    assert 'label=inf' in draw_dot(x.sqrt(), edge_labels=True).source


def test_highlight_fills_only_the_given_nodes():
    o, v = neuron()
    source = draw_dot(o, highlight=[v["w1"], v["n"]], highlight_color="pink").source
    filled = re.findall(r'^\t(n\d+) \[.*fillcolor=pink', source, flags=re.M)
    assert filled == ["n1", "n8"]
    assert "fillcolor" not in draw_dot(o).source  # nothing was stored on the nodes


def test_rankdir_is_passed_and_checked():
    o, _ = neuron()
    assert "rankdir=TB" in draw_dot(o, rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(o, rankdir="sideways")


@pytest.mark.parametrize("bad, error", [
    (dict(root=2.0), TypeError), (dict(max_depth=-1), ValueError), (dict(clusters=0), ValueError),
    (dict(clusters="layers"), ValueError),
])
def test_bad_arguments_are_refused(bad, error):
    kwargs = {"root": neuron()[0], **bad}
    with pytest.raises(error):
        draw_dot(kwargs.pop("root"), **kwargs)


def test_step_marks_its_node_edges_and_added_gradients():
    o, v = neuron()
    n = v["n"]
    # A step as the stepper reports it: draw_dot reads only these fields.
    step = SimpleNamespace(node=n, contributions=(
        SimpleNamespace(parent=n.parents[0], position=0, added=0.5),
        SimpleNamespace(parent=v["b"], position=1, added=0.5),
    ))
    source = draw_dot(o, step=step, step_color="red").source
    assert re.search(r'^\tn8 \[.*fillcolor=red', source, flags=re.M)
    assert re.search(r'^\tn8_op \[.*fillcolor=red', source, flags=re.M)
    marked = [e for e in edges_of(source) if "color=red" in e]
    assert [e.split(" [")[0] for e in marked] == ["n8_op -> n8", "n6 -> n8_op", "n7 -> n8_op"]
    assert all('xlabel="+= 0.5"' in e for e in marked[1:])


def test_labels_with_record_syntax_are_escaped():
    x = Value(1.0, 'a|b {c} <d> "e" \\f')
    assert r'"{ a\|b \{c\} \<d\> \"e\" \\f | data' in draw_dot(x).source


def test_import_autograd_does_not_import_graphviz_and_works_without_it():
    code = (
        "import sys; sys.modules['graphviz'] = None  # as if not installed\n"
        "import autograd, autograd.viz\n"
        "from autograd import Value\n"
        "assert callable(autograd.draw_dot)\n"
        "try:\n"
        "    autograd.draw_dot(Value(1.0))\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    fix = "pip install graphviz (or, in your stepgrad clone, pip install -e '.[viz]')"
    assert fix in done.stdout
    code = "import sys, autograd; print('graphviz' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert done.stdout.strip() == "False"


def big_graph(n: int = 65_000) -> Value:
    """A sum of products with about n nodes, like a small MLP's loss over a data set."""
    ws = [Value(0.1 * (i % 7), f"layers.{i % 3}.w{i}") for i in range(n // 4)]
    return sum_of(w * (i % 5) for i, w in enumerate(ws))


def test_too_many_nodes_fails_fast_saying_how_many_and_what_to_do():
    root = big_graph()
    with pytest.raises(ValueError) as caught:
        draw_dot(root)
    message = str(caught.value)
    count = int(re.search(r"has ([\d,]+) nodes", message).group(1).replace(",", ""))
    assert count > 60_000
    for option in ("max_depth", "collapse=True", "max_nodes"):
        assert option in message


def test_max_depth_draws_the_nodes_near_the_root_and_dashes_the_cut():
    root = big_graph()
    source = draw_dot(root, max_depth=3).source
    records = re.findall(r'^\t(n\d+) \[label="\{', source, flags=re.M)
    assert len(records) == 1 + 2 + 4 + 8
    assert len(re.findall(r'^\tn\d+ \[.*style=dashed', source, flags=re.M)) == 8
    assert "max_depth=3" in source
    with pytest.raises(ValueError, match="max_depth"):
        draw_dot(root, max_depth=1000)  # still too many: says so


def test_collapse_draws_one_box_per_group_with_counts():
    root = big_graph()
    source = draw_dot(root, collapse=True, clusters=2).source
    boxes = re.findall(r'^\t(g\d+) \[label="([^"]*)"', source, flags=re.M)
    names = [label.split("\\n")[0] for _, label in boxes]
    assert names == ["layers.0", "layers.1", "layers.2"]
    total = sum(int(label.split("\\n")[1].split()[0].replace(",", "")) for _, label in boxes)
    assert total == len(topological_order(root))


def test_clusters_box_named_sub_expressions():
    x = Value(1.0, "x")
    h = (x * Value(2.0, "l1.w")).tanh()
    y = h * Value(3.0, "l2.w") + 1
    source = draw_dot(y, clusters=1).source
    assert "subgraph cluster_0" in source and "label=l1" in source and "label=l2" in source
    by_group = draw_dot(y, clusters=lambda v: "inputs" if v.label == "x" else None).source
    assert "label=inputs" in by_group


def test_the_two_moons_mlp_loss_collapses_to_its_layers():
    from nn import MLP, hinge, make_moons

    points, labels = make_moons(100, rng=1)
    model = MLP(2, [16, 16, 1], rng=1)
    loss = hinge([model.forward(x)[0] for x in points], [2.0 * t - 1 for t in labels])
    loss.label = "loss"
    assert len(topological_order(loss)) > 60_000
    with pytest.raises(ValueError, match="collapse=True"):
        draw_dot(loss)
    source = draw_dot(loss, collapse=True).source
    boxes = dict(re.findall(r'^\t(g\d+) \[label="([^\\"]*)', source, flags=re.M))
    assert sorted(boxes.values()) == ["layers.0", "layers.1", "layers.2", "loss"]
    ids = {name: key for key, name in boxes.items()}
    links = [e.split(" [")[0] for e in edges_of(source)]
    chain = ["layers.0", "layers.1", "layers.2", "loss"]
    assert sorted(links) == sorted(f"{ids[a]} -> {ids[b]}" for a, b in zip(chain, chain[1:]))
    loss.label = ""  # unlabelled, the loss is arithmetic on layers.2's output: it joins it
    source = draw_dot(loss, collapse=True).source
    boxes = re.findall(r'^\t(g\d+) \[label="([^\\"]*)', source, flags=re.M)
    assert sorted(name for _, name in boxes) == ["layers.0", "layers.1", "layers.2"]


def test_the_drawing_is_a_graphviz_digraph_that_copies_and_pickles():
    import pickle

    import graphviz

    graph = draw_dot(neuron()[0])
    assert isinstance(graph, graphviz.Digraph)
    assert graph.copy().source == pickle.loads(pickle.dumps(graph)).source == graph.source


def test_unlabelled_records_are_named_as_the_step_text_names_them():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    y = (x * w).tanh() / w + 1.5
    source = draw_dot(y).source
    for name in ("x*w", "tanh(x*w)", "tanh(x*w)/w", "tanh(x*w)/w + 1.5", "1.5"):
        assert f'"{{ {name} | data' in source
    headings = [step.heading for step in y.backward_steps()]
    assert headings[0] == "step 0/4: tanh(x*w)/w + 1.5"
    assert "step 3/4: x*w = x*w" not in headings and "step 4/4: x*w" in headings


def test_under_max_depth_unlabelled_names_never_reach_past_the_cut():
    root = big_graph(400)
    source = draw_dot(root, max_depth=2).source
    named = re.findall(r'^\t(n\d+) \[label="\{ ([^ |]+) \|', source, flags=re.M)
    assert len(named) == 1 + 2 + 4
    assert all(name == f"node#{key[1:]}" for key, name in named)  # matches the record's id


def test_size_is_checked_before_grouping_or_drawing(monkeypatch):
    import autograd.viz.dot as dot_module

    def not_reached(*args, **kwargs):
        raise AssertionError("grouped or drew a graph that was too big")

    monkeypatch.setattr(dot_module, "group_of", not_reached)
    with pytest.raises(ValueError, match="nodes, more than max_nodes=10"):
        draw_dot(big_graph(400), max_nodes=10, clusters=2)
    monkeypatch.undo()
    monkeypatch.setattr(dot_module, "collapsed", not_reached)
    with pytest.raises(ValueError, match="has 3 groups, more than max_nodes=2"):
        draw_dot(big_graph(400), max_nodes=2, collapse=True)


@pytest.mark.parametrize("option", [dict(highlight=[Value(1.0)]), dict(edge_labels=True),
                                    dict(step=SimpleNamespace(node=None, contributions=()))],
                         ids=["highlight", "edge_labels", "step"])
def test_collapse_refuses_options_that_mark_single_nodes(option):
    with pytest.raises(ValueError, match=f"collapse=True .* cannot show {next(iter(option))}"):
        draw_dot(big_graph(400), collapse=True, **option)
    draw_dot(big_graph(400), **option)  # fine without collapse


def test_collapse_under_max_depth_says_what_is_cut():
    source = draw_dot(big_graph(400), collapse=True, max_depth=2).source
    assert 'label="max_depth=2: 4 node(s) in these groups have inputs not drawn"' in source
    assert "max_depth" not in draw_dot(big_graph(400), collapse=True).source


def test_max_depth_beyond_the_graph_costs_no_more_than_the_graph():
    x = Value(2.0, "x")
    y = x.tanh()
    # Used to loop max_depth times over an empty frontier: sys.maxsize never returned.
    assert draw_dot(y, max_depth=sys.maxsize).source == draw_dot(y).source
    assert draw_dot(x, max_depth=sys.maxsize).source == draw_dot(x).source


W = Value(1.0, "w")


@pytest.mark.parametrize(("option", "error", "message"), [
    (dict(highlight=W), TypeError, "highlight must be a list of Values .* not Value"),
    (dict(highlight="wx"), TypeError, "highlight must be a list of Values .* not str"),
    (dict(highlight=None), TypeError, "highlight must be a list of Values .* not NoneType"),
    (dict(highlight=[W, 3]), TypeError, "highlight must hold Values only; item 1 is a int"),
    (dict(max_depth=2.5), TypeError, "max_depth must be an int >= 0 or None, not float 2.5"),
    (dict(max_depth="3"), TypeError, "max_depth must be an int >= 0 or None, not str '3'"),
    (dict(max_depth=True), TypeError, "max_depth must be an int >= 0 or None, not bool"),
    (dict(max_depth=-1), ValueError, "max_depth must be >= 0, not -1"),
    (dict(max_nodes=10.0), TypeError, "max_nodes must be an int >= 1, not float 10.0"),
    (dict(max_nodes="5"), TypeError, "max_nodes must be an int >= 1, not str '5'"),
    (dict(max_nodes=0), ValueError, "max_nodes must be >= 1, not 0"),
    (dict(step="1"), TypeError, "step must be a Step from backward_steps.. or None, not str"),
    (dict(step=3), TypeError, "step must be a Step .* not int"),
    (dict(highlight_color=3), TypeError, "highlight_color must be a colour str"),
    (dict(step_color='red" URL="javascript:1'), ValueError, "step_color must be a Graphviz "
                                                             "colour"),
    (dict(highlight_color="<b>"), ValueError, "highlight_color must be a Graphviz colour"),
    (dict(show_grad="no"), TypeError, "show_grad must be True or False, not str"),
    (dict(edge_labels=1), TypeError, "edge_labels must be True or False, not int"),
    (dict(collapse=None), TypeError, "collapse must be True or False, not NoneType"),
    (dict(rankdir="lr"), ValueError, r"rankdir must be None \(chosen by the graph's shape\), LR, "
                                     "RL, TB or BT, not 'lr'"),
    (dict(clusters=lambda v: 3), TypeError, "clusters: the function must return a group name "
                                            r"\(a str\) or None, but returned a int"),
], ids=lambda x: next(iter(x)) if isinstance(x, dict) else None)
def test_bad_options_say_what_was_expected_and_what_was_given(option, error, message):
    with pytest.raises(error, match=message):
        draw_dot(W * 2.0, **option)


def test_colours_graphviz_knows_are_accepted():
    for colour in ("#ffe082", "#FFE08280", "red", "0.650 0.700 0.700", "0.1,0.5,0.9", "/x11/red"):
        assert f"fillcolor={colour}" in draw_dot(W * 2.0, highlight=[W],
                                                  highlight_color=colour).source.replace('"', "")


def test_a_label_set_to_a_non_str_is_refused_naming_the_node():
    x = Value(2.0, "x")
    y = x * 3.0
    y.label = 3
    with pytest.raises(TypeError, match=r"node#2 \(op \*, data 6.0\) has label 3, a int: a "
                                        r"label must be a str"):
        draw_dot(y)
    with pytest.raises(TypeError, match="node#2"):
        draw_dot(y, collapse=True)


def test_dotted_labels_go_by_their_shortest_unique_ending_in_formulas():
    w0 = Value(2.0, "layers.0.neurons.0.w.0")
    v1 = Value(3.0, "layers.1.neurons.0.w.1")
    b = Value(1.0, "layers.0.neurons.0.b")
    x = Value(0.5, "x")
    out = (w0 * x + b) * v1
    names = {texts[0] for texts in parse_svg(to_svg(draw_dot(out))).records().values()}
    assert {"layers.0.neurons.0.w.0", "layers.0.neurons.0.b", "x"} <= names  # leaves: as given
    assert {"w.0*x", "w.0*x + b", "(w.0*x + b)*w.1"} <= names
    # An ending two labels share is not used, nor one that would start with a digit ("0.w"):
    a, c = Value(1.0, "a.w"), Value(2.0, "c.w")
    names = {texts[0] for texts in parse_svg(to_svg(draw_dot(a * c + a))).records().values()}
    assert {"a.w*c.w", "a.w*c.w + a.w"} <= names


def test_the_direction_follows_the_graphs_shape():
    from autograd.viz.layout import FITS, WIDE

    a = Value(1.0, "a")
    assert draw_dot(a * 2.0).graph_attr["rankdir"] == "LR"  # short: fits a cell left to right
    deep = a
    for _ in range(6):
        deep = (deep * 1.5).tanh()
    assert draw_dot(deep).graph_attr["rankdir"] == "TB"  # a long strip: top to bottom
    wide = sum_of([Value(float(k), f"x{k}") * 2.0 for k in range(40)])
    assert draw_dot(wide).graph_attr["rankdir"] == "LR"  # tall and shallow: stays LR
    assert draw_dot(deep, rankdir="LR").graph_attr["rankdir"] == "LR"  # asked for: obeyed
    # The estimate is close to what dot draws: the deep chain left to right is far wider
    # than both the limits, the short product is within them.
    lr = re.search(r'viewBox="0.00 0.00 ([\d.]+) ([\d.]+)"', to_svg(draw_dot(deep, rankdir="LR")))
    assert float(lr.group(1)) > max(FITS, WIDE * float(lr.group(2)))
    short = re.search(r'viewBox="0.00 0.00 ([\d.]+) ([\d.]+)"', to_svg(draw_dot(a * 2.0)))
    assert float(short.group(1)) <= FITS
