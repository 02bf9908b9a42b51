"""Rendering with Graphviz: SVG parsed back, the graph of a gradient, files, and a missing `dot`."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from viz_helpers import evaluate, need, need_module, neuron, parse_svg

from autograd import Value
from autograd.viz import DotNotFoundError, draw_dot, render, to_svg


def test_neuron_svg_shows_every_label_data_and_grad():
    need("dot")
    o, _ = neuron()
    o.backward()
    drawn = parse_svg(to_svg(draw_dot(o)))
    records = {texts[0]: key for key, texts in drawn.records().items()}
    assert set(records) == {"x1", "x2", "w1", "w2", "b", "x1*w1", "x2*w2", "x1*w1 + x2*w2", "n",
                            "o"}
    shown = {  # by hand: o = tanh(n) = tanh(0.8814) = 0.7071, so n.grad = 1 - o^2 = 0.5
        "x1": (2.0, -1.5), "x2": (0.0, 0.5), "w1": (-3.0, 1.0), "w2": (1.0, 0.0),
        "b": (6.8814, 0.5), "n": (0.8814, 0.5), "o": (0.7071, 1.0),
    }
    for label, (data, grad) in shown.items():
        assert drawn.texts[records[label]] == [label, f"data {data:.4f}", f"grad {grad:.4f}"]
    assert drawn.field_of(records["x1"], "grad") == -1.5
    assert drawn.field_of(records["o"], "data") == 0.7071
    ops = sorted(texts[0] for key, texts in drawn.texts.items() if key.endswith("_op"))
    assert ops == ["*", "*", "+", "+", "tanh"]
    assert len(drawn.edges) == 5 + 9  # op -> result, and one per operand


def test_the_drawn_graph_of_a_gradient_computes_the_gradient():
    need("dot")
    x = Value(2.0, "x")
    y = x * x * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    drawn = parse_svg(to_svg(draw_dot(x.grad)))
    symbols = sorted(texts[0] for key, texts in drawn.texts.items() if key.endswith("_op"))
    assert symbols == ["*", "*", "*", "+", "+"]  # x*x + x*x + x*x
    root = next(k for k in drawn.records() if not any(t == k for t, _ in drawn.edges))
    assert drawn.field_of(root, "data") == 12.0  # 3x² at x = 2
    assert [t[0] for t in drawn.records().values()].count("x") == 1
    # The picture alone computes 3x²: recompute it from the SVG at other points.
    for at in (2.0, 3.0, -1.5):
        assert math.isclose(evaluate(drawn, {"x": at}), 3 * at * at)


def test_digraph_renders_itself_to_files_and_in_jupyter(tmp_path):
    need("dot")
    o, _ = neuron()
    graph = draw_dot(o)
    written = graph.render(tmp_path / "graph", format="svg")  # as the README shows
    assert parse_svg((tmp_path / "graph.svg").read_text()).records()
    assert written.endswith("graph.svg")
    bundle = graph._repr_mimebundle_()
    assert parse_svg(bundle["image/svg+xml"]).records()


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG")])
def test_render_writes_the_format_of_the_suffix(tmp_path, suffix, magic):
    need("dot")
    path = render(draw_dot(neuron()[0]), tmp_path / "sub" / f"neuron{suffix}")
    assert path.read_bytes().startswith(magic)
    with pytest.raises(ValueError, match="suffix"):
        render(draw_dot(neuron()[0]), tmp_path / "neuron")


def test_dot_errors_and_timeouts_are_reported(monkeypatch):
    need("dot")
    with pytest.raises(RuntimeError, match="dot -Tsvg failed"):
        to_svg("digraph { a -> }")

    def too_slow(*args, **kwargs):
        assert kwargs["timeout"] == 0.5  # the timeout reaches the dot process
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", too_slow)
    with pytest.raises(TimeoutError, match="max_depth"):
        to_svg(draw_dot(neuron()[0]), timeout=0.5)


def test_without_dot_drawing_to_a_file_fails_at_once_saying_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot anywhere
    o, _ = neuron()
    graph = draw_dot(o)
    assert graph.source.startswith("digraph {")  # building the DOT text still works
    for attempt in (lambda: render(graph, tmp_path / "g.svg"), lambda: to_svg(graph),
                    lambda: graph.render(tmp_path / "g", format="svg"),
                    lambda: graph._repr_mimebundle_()):
        with pytest.raises(DotNotFoundError) as caught:
            attempt()
        for hint in ("apt-get install graphviz", "brew install graphviz", "conda install"):
            assert hint in str(caught.value)
    assert not (tmp_path / "g.svg").exists()


def test_without_dot_the_player_fails_before_touching_any_grad(tmp_path):
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from viz_helpers import neuron\n"
        "from autograd.viz import write_player, DotNotFoundError\n"
        "o, v = neuron()\n"
        "try:\n"
        "    write_player(o, sys.argv[2])\n"
        "except DotNotFoundError as e:\n"
        "    print('grads', o.grad, v['x1'].grad); print(e)\n"
    )
    here = Path(__file__).parent
    done = subprocess.run([sys.executable, "-c", code, str(here), str(tmp_path / "p.html")],
                          capture_output=True, text=True, check=True,
                          env={"PATH": str(tmp_path)}, cwd=here.parents[2])
    assert done.stdout.startswith("grads 0.0 0.0\n") and "brew install graphviz" in done.stdout
    assert not (tmp_path / "p.html").exists()


def test_tests_needing_a_program_fail_under_ci_and_skip_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        need("dot")
    with pytest.raises(pytest.fail.Exception):
        need_module("no_such_package_here.sub")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        need("dot")
    with pytest.raises(pytest.skip.Exception, match="no_such_package_here is not installed"):
        need_module("no_such_package_here.sub")
    assert need_module("xml.etree").__name__ == "xml.etree"


@pytest.mark.parametrize("name", ['say "hi"', "a\\b", 'a\\"b', "ends\\"])
def test_collapsed_group_names_are_drawn_exactly(name):
    need("dot")
    w = [Value(1.0, "w") for _ in range(3)]
    root = (w[0] * w[1]) * w[2]
    drawn = parse_svg(to_svg(draw_dot(root, collapse=True, clusters=lambda v: name)))
    assert list(drawn.texts.values()) == [[name, "5 nodes"]]
