"""The pages' Python (web/stepgrad_play) in CPython: the same code Pyodide runs in the browser."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest
from needs import need
from stepgrad_play import console, playground, tutor

from autograd import Value, backward_steps
from autograd.tools.parser import parse
from autograd.viz import use_renderer

EXPRESSIONS = [
    ("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.8813735870195432}),
    ("log(1 + exp(-y*(w*x)))", {"y": 1.0, "w": 0.5, "x": 2.0}),
    ("leaky_relu(x - 3, 0.2) * x**2 / (2 + exp(1)) - (-x)", {"x": 1.25}),
    ("x ** y + sqrt(abs(x*y)) - 2*3*x", {"x": 1.5, "y": -0.75}),
    ("sigmoid(leaky_relu(x)) + Value*out", {"x": -2.0, "Value": 3.0, "out": 0.5}),
] + [(p["expr"], p["values"]) for p in tutor.PRESETS]


def engine(text: str, values: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    leaves = {name: Value(v, name) for name, v in values.items()}
    root = parse(text).evaluate(leaves)
    root.backward()
    return root, leaves


@pytest.mark.parametrize(("text", "values"), EXPRESSIONS)
def test_the_tutor_shows_the_engines_gradients_and_steps(text, values):
    answer = json.loads(tutor.run(json.dumps({"expr": text, "values": values})))
    root, leaves = engine(text, values)
    assert answer["ok"] and answer["value"] == tutor.shown(root.data)
    assert [s["text"] for s in answer["steps"]] == [str(s) for s in backward_steps(
        engine(text, values)[0])]
    assert answer["steps"][-1]["grads"] == {n: tutor.shown(v.grad) for n, v in leaves.items()}
    for name, leaf in leaves.items():  # central differences agree with backprop
        assert math.isclose(float(answer["fd"][name]), leaf.grad, rel_tol=1e-6, abs_tol=1e-7)


@pytest.mark.parametrize(("text", "values"), EXPRESSIONS)
def test_copy_as_python_rebuilds_the_same_graph(text, values):
    code = tutor.tutor(text, values)["python"]
    assert "eval" not in code and "parse" not in code
    namespace: dict = {}
    exec(code, namespace)  # the lines the tutor wrote (numbers and method calls), not user text
    root, leaves = engine(text, values)
    out = namespace["out_"] if "out" in values else namespace["out"]
    assert out.data.hex() == root.data.hex()
    for name, leaf in leaves.items():
        assert namespace[name].grad.hex() == leaf.grad.hex()


def test_each_steps_drawing_marks_that_steps_node():
    tutor.tutor("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.8813735870195432})
    drawings = [json.loads(tutor.draw(json.dumps({"k": k}))) for k in range(4)]
    assert all(d.count("#ff7043") >= 1 for d in drawings) and len(set(drawings)) == 4
    assert "grad 0.0000" in drawings[0] and "x | data 2.0000 | grad -1.5000" in drawings[3]
    with pytest.raises(IndexError, match="no step 4"):
        tutor.dot("tutor", 4)


@pytest.mark.parametrize(("text", "values", "message"), [
    ("tanh(x*", {}, "syntax error"),
    ("__import__('os')", {}, "not allowed"),
    ("1/(x - 1)", {"x": 1.0}, "division by zero"),
    ("sqrt(x)", {"x": 0.0}, "not finite"),
    ("log(x)", {"x": -1.0}, "log"),
    ("x + 1", {"x": None}, "finite number"),
])
def test_bad_input_is_a_clear_message(text, values, message):
    answer = tutor.tutor(text, values)
    assert not answer["ok"] and message in answer["error"]


def test_missing_values_start_at_one():
    answer = tutor.tutor("a*b", {"a": 3.0})
    assert answer["values"] == {"a": 3.0, "b": 1.0} and answer["value"] == "3"


def call(**request) -> dict:
    return json.loads(playground.call(json.dumps(request)))


def losses(steps: int, **config) -> list[str]:
    call(do="configure", **config)
    return [call(do="step")["loss"].hex() for _ in range(steps)]


def test_rewind_replays_the_same_run_bit_for_bit():
    first = losses(20)
    call(do="rewind")
    assert [call(do="step")["loss"].hex() for _ in range(20)] == first


def test_compiled_steps_equal_the_dynamic_engines_bit_for_bit():
    for loss in ("bce", "hinge", "mse"):
        compiled = losses(12, loss=loss, l2=1e-3, batch=50)
        assert call(do="step")["engine"] == "compiled"
        assert compiled == losses(12, loss=loss, l2=1e-3, batch=50, compile=False)


def test_moons_with_the_defaults_passes_95_percent_within_300_steps():
    call(do="configure", dataset="moons")
    accuracy = [call(do="step", count=10)["train_accuracy"] for _ in range(30)]
    assert max(accuracy) >= 0.95


def test_added_points_join_training_and_a_new_batch_shape_is_traced():
    call(do="configure", batch=16, points=64)
    call(do="step", count=3)  # 48 training points: 3 batches of 16, one trace
    for k in range(5):
        assert call(do="add", x=0.1 * k, y=2.0, label=1)["ok"]
    answer = call(do="step", count=6)  # 53 points: a batch of 5 at the epoch's end
    assert answer["steps"] == 9 and answer["traces"] == 2 and "error" not in answer
    train = len(call(do="configure", batch=16, points=64)["points"]["train"])
    assert train == 53  # the same data settings keep the learner's points
    assert call(do="delete", x=0.0, y=2.0)["ok"]
    assert len(call(do="step")["history"]) == 2


def test_a_diverging_learning_rate_is_a_clear_message():
    call(do="configure", loss="mse", optimizer="sgd", lr=10.0)
    answer = call(do="step", count=200)
    assert "training diverged at step" in answer["error"] and "Lower the learning rate" in \
        answer["error"]
    json.dumps(answer, allow_nan=False)  # nothing the page cannot parse


@pytest.mark.parametrize(("setting", "message"), [
    ({"hidden": "8,x"}, "layers"), ({"hidden": "99"}, "layers"), ({"lr": -1}, "lr"),
    ({"dataset": "iris"}, "unknown data set"), ({"batch": 0}, "batch"),
])
def test_bad_settings_are_refused_by_name(setting, message):
    answer = call(do="configure", **setting)
    assert not answer["ok"] and message in answer["error"]


def test_a_dead_neuron_is_reported_and_a_live_one_is_not():
    call(do="configure", hidden="4")
    live = call(do="neuron", layer=0, index=0)
    p = playground._playground
    p.model.layers[0].neurons[1].b.data = -100.0  # its sum is below 0 on every point
    dead = call(do="neuron", layer=0, index=1)
    assert live["dead"] is False and dead["dead"] is True and dead["active_on"] == 0
    assert len(dead["weights"]) == len(dead["grads"]) == 2


def test_one_samples_backward_steps_through_a_copy_of_the_model():
    call(do="configure", hidden="3")
    call(do="step", count=5)
    p = playground._playground
    grads = [w.grad for w in p.model.parameters()]
    answer = call(do="sample", index=2)
    assert answer["ok"] and answer["steps"][-1]["heading"].startswith("step ")
    assert "loss" in json.loads(tutor.draw(json.dumps({"slot": "sample", "k": 1})))
    assert [w.grad for w in p.model.parameters()] == grads  # training's grads are untouched
    assert call(do="configure", hidden="32,32,32")["ok"]
    assert "too many to draw" in call(do="sample", index=0)["error"]


@pytest.fixture
def graphviz_in_python():
    """The console's drawings, rendered by the real `dot` (as the page's Graphviz-wasm would)."""
    program = need(shutil.which("dot") or "dot")
    use_renderer(lambda source: subprocess.run([program, "-Tsvg"], input=source, text=True,
                                               capture_output=True, check=True).stdout)
    yield
    use_renderer(None)


def test_the_console_shows_the_readme_example_as_jupyter_would(graphviz_in_python):
    outputs = json.loads(console.run(console.README_EXAMPLE))
    kinds = [o["kind"] for o in outputs]
    assert kinds == ["text", "svg"]
    assert "Value(0.707107, grad=0.0, label='o', op='tanh')" in outputs[0]["data"]
    assert outputs[1]["data"].lstrip().startswith(("<?xml", "<svg", "<!--"))
    shown = json.loads(console.run("display(o.explain())\nprint('after')\nfrom autograd.viz "
                                   "import player\no.zero_grad()\nplayer(o)"))
    assert [o["kind"] for o in shown] == ["html", "text", "html"]
    assert "stepgrad-explain" in shown[0]["data"] and "stepgrad-player" in shown[2]["data"]


def test_the_console_shows_errors_and_keeps_its_names():
    assert json.loads(console.run("y = 21"))[0:] == []
    answer = json.loads(console.run("y * 2\n"))
    assert answer == [{"kind": "text", "data": "42\n"}]
    error = json.loads(console.run("1/0"))
    assert error[0]["kind"] == "error" and "ZeroDivisionError" in error[0]["data"]
    assert "console.py" not in error[0]["data"]
    assert "SyntaxError" in json.loads(console.run("def"))[0]["data"]
    assert json.loads(console.call(json.dumps({"example": True}))) == console.README_EXAMPLE
