"""The Tutor, the Playground and the Console in headless Chromium, on the site built from this
checkout: the real engine in Pyodide, Graphviz in WebAssembly, nothing fetched from elsewhere."""

from __future__ import annotations

import re

from pages import opened

from autograd import Value

B = 6.8813735870195432


def cpython_grads(x: float, w: float, b: float) -> dict[str, str]:
    xs = {"x": Value(x, "x"), "w": Value(w, "w"), "b": Value(b, "b")}
    out = (xs["x"] * xs["w"] + xs["b"]).tanh()
    out.backward()
    # As the page prints them: 12 significant digits (the browser's libm may differ in a last bit)
    return {name: f"{v.grad:.12g}" for name, v in xs.items()} | {"value": f"{out.data:.12g}"}


def test_tutor_steps_the_neuron_to_cpythons_gradients(browser, site):
    with opened(browser, f"{site}/play/tutor.html", "tutor") as view:
        page = view.page
        view.testid("expr").fill("tanh(x*w + b)")
        for name, number in (("x", "2"), ("w", "-3"), ("b", repr(B))):
            view.testid(f"input-{name}").fill(number)
        expected = cpython_grads(2.0, -3.0, B)
        assert view.text("value") == expected["value"]
        view.testid("step-last").click()
        assert view.text("step-counter") == "3 / 3"
        for name in "xwb":
            assert view.text(f"grad-{name}") == expected[name]
        assert abs(float(view.text("grad-x")) + 1.5) < 1e-12
        assert "x.grad += 0.5 (upstream) * -3.0 (d(x*w)/dx = w) = -1.5" in view.text("chain-rule")
        assert "agrees" in view.text("fd-x")
        # The highlighted node: the step's colour fills the x*w record.
        assert view.testid("graph").locator("svg").count() == 1
        assert page.locator('[data-testid=graph] g.node path[fill="#ff7043"], '
                            '[data-testid=graph] g.node polygon[fill="#ff7043"]').count() >= 1

        # The stepper by keyboard, and its buttons.
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("ArrowLeft")
        assert view.text("step-counter") == "2 / 3"
        page.keyboard.press("Home")
        assert view.text("step-counter") == "0 / 3" and "(seed)" in view.text("chain-rule")
        view.testid("step-next").click()
        assert view.text("step-counter") == "1 / 3"

        # A slider re-runs forward and backward.
        before = view.text("value")
        view.testid("slider-x").fill("1")
        assert view.text("value") != before
        assert view.testid("input-x").input_value() == "1"
        assert view.text("value") == cpython_grads(1.0, -3.0, B)["value"]

        # Bad input: a message on the page, and the page keeps working.
        view.testid("expr").fill("tanh(x*")
        assert "syntax error" in view.text("error")
        view.testid("expr").fill("1/(x - 1)")
        assert "division by zero" in view.text("error")
        view.testid("input-x").fill("3")
        assert view.text("error") == "" and view.text("value") == "0.5"
        view.testid("expr").fill("log(1 + exp(-y*(w*x)))")
        assert view.text("error") == "" and view.testid("input-y").count() == 1
        view.check_clean()


def test_tutor_copy_as_python_reproduces_the_gradients(browser, site):
    with opened(browser, f"{site}/play/tutor.html", "tutor-python") as view:
        code = view.text("python")
        namespace: dict = {}
        exec(code.rsplit("\n", 2)[0], namespace)  # our own generated lines, not user text
        expected = cpython_grads(2.0, -3.0, B)
        view.testid("step-last").click()
        assert f'{namespace["x"].grad:.12g}' == expected["x"] == view.text("grad-x")
        view.check_clean()


def percent(text: str) -> float:
    assert re.fullmatch(r"\d+(\.\d)?%", text), text
    return float(text[:-1])


def test_playground_trains_moons_and_rewinds_to_the_same_run(browser, site):
    with opened(browser, f"{site}/play/playground.html", "playground") as view:
        page = view.page
        view.testid("dataset").select_option("moons")
        view.testid("train").click()
        # The accuracy and step count at the moment 95% was first shown (or 300 steps passed).
        reached = page.wait_for_function(
            """() => {
                const accuracy = parseFloat(document.querySelector(
                    '[data-testid=train-accuracy]').textContent);
                const steps = Number(document.querySelector(
                    '[data-testid=steps-done]').textContent);
                return (accuracy >= 95 || steps >= 300) && [accuracy, steps];
            }""", timeout=120_000, polling=10).json_value()
        view.testid("train").click()  # pause
        accuracy, steps = reached
        print(f"moons: {accuracy}% train accuracy at step {steps}")
        assert accuracy >= 95 and 0 < steps <= 300
        assert int(view.text("steps-done")) >= steps
        percent(view.text("test-accuracy"))
        assert view.testid("boundary").bounding_box()["width"] > 200

        losses = []
        for _ in range(2):
            view.testid("rewind").click()
            assert view.text("steps-done") == "0"
            for _ in range(20):
                view.testid("step").click()
            assert view.text("steps-done") == "20"
            losses.append(view.text("loss"))
        assert losses[0] == losses[1]

        # A neuron's weights and gradients; one sample's backward, in the Tutor's stepper.
        view.testid("neuron-0-0").click()
        assert "weight" in view.text("neuron-info")
        view.testid("sample-show").click()
        assert re.fullmatch(r"0 / \d+", view.text("sample-step-counter"))
        view.testid("sample-step-last").click()
        assert "x0.grad +=" in view.page.content() or view.text("sample-chain-rule")
        assert view.testid("sample-graph").locator("svg").count() == 1

        # The learner's own points: a new batch structure, and training goes on.
        box = view.testid("boundary").bounding_box()
        for k in range(3):
            page.mouse.click(box["x"] + 30 + 10 * k, box["y"] + 30)
        view.testid("step").click()
        assert view.text("steps-done") == "21" and view.text("error") == ""

        # A learning rate that diverges: a clear message, the page still works.
        view.testid("loss-kind").select_option("mse")
        view.testid("optimizer").select_option("sgd")
        view.testid("lr").fill("10")
        view.testid("lr").dispatch_event("change")
        view.testid("train").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=error]').textContent.includes('diverged')",
            timeout=60_000)
        view.testid("lr").fill("0.03")
        view.testid("lr").dispatch_event("change")
        view.testid("step").click()
        assert view.text("steps-done") == "1"
        view.check_clean()


def console_run(view, code: str | None = None, *, keyboard: bool = False):
    """Run `code` (or what the box holds) once, by the Run button or by Ctrl+Enter in the box;
    the run's own output block, once it is shown.

    Each run adds one block: waiting for the count to grow (not for a selector an earlier run may
    already match) ties every check to the run it is about. Once a player is shown, runs go by
    the keyboard: the player is a sandboxed iframe, which Chromium runs in a process of its own,
    and on a loaded machine a mouse click sent right after it appears can be routed by stale
    hit-test data to that process and lost (twice in CI, never with a person's pace).
    """
    page, blocks = view.page, "[data-testid=output] .run-output"
    if code is not None:
        view.testid("code").fill(code)
        assert view.testid("code").input_value() == code
    before = page.locator(blocks).count()
    if keyboard:
        view.testid("code").press("Control+Enter")
    else:
        view.testid("run").click()
    page.wait_for_function(f"() => document.querySelectorAll({blocks!r}).length > {before}")
    page.wait_for_function("() => document.body.dataset.running === 'false'")
    return page.locator(blocks).nth(before)


def test_console_runs_the_readme_example_and_draws_it(browser, site):
    with opened(browser, f"{site}/play/console.html", "console") as view:
        assert "from autograd import Value" in view.testid("code").input_value()
        shown = console_run(view)
        assert shown.locator("svg").count() == 1
        text = shown.text_content()
        assert "Value(0.707107, grad=0.0, label='o', op='tanh')" in text
        assert "Value(2.0, grad=-1.5, label='x')" in text

        assert console_run(view, "o.explain()").locator("table.stepgrad-explain").count() == 1
        shown = console_run(view, "from autograd.viz import player\no.zero_grad()\nplayer(o)")
        assert shown.locator("iframe.stepgrad-player").count() == 1
        shown = console_run(view, "1/0", keyboard=True)
        assert shown.locator("pre.error").count() == 1, shown.text_content()
        assert "ZeroDivisionError" in shown.locator("pre.error").text_content()
        view.check_clean()
