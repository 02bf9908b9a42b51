"""`check_engine`: each planted bug gets exactly its code, a correct engine none, micrograd's
design exactly double-count and recursion; the report reads, reproduces, displays and draws."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from learner_engines import PLANTED, Engine, GradOverwritten, Micrograd, NoRtruediv, WrongMul
from needs import need

import autograd
from autograd.compat import micrograd
from autograd.testing import check_engine
from autograd.tools.checkengine import CODES, EngineReport, Outcome, UnusableEngineError

EXAMPLES = 30  # enough, with the fixed seed, for every planted bug; the default is 200


@pytest.fixture(scope="module")
def reports() -> dict[type, EngineReport]:
    return {cls: check_engine(cls, examples=EXAMPLES) for cls in PLANTED}


@pytest.mark.parametrize("engine", list(PLANTED), ids=lambda cls: cls.__name__)
def test_each_planted_bug_gets_exactly_its_codes(reports, engine):
    report = reports[engine]
    assert [f.code for f in report.findings] == PLANTED[engine], str(report)
    assert not report  # falsy: it has findings


def test_the_planted_bugs_cover_every_code_of_the_catalog():
    kinds = {code.partition(":")[0] for codes in PLANTED.values() for code in codes}
    assert kinds == {code.partition(":")[0] for code in CODES}
    assert len(PLANTED) >= 12


@pytest.mark.parametrize("engine", [Engine, autograd.Value, micrograd.Value],
                         ids=["correct-engine", "stepgrad", "compat-micrograd"])
def test_a_correct_engine_gets_an_empty_report(engine):
    report = check_engine(engine, examples=EXAMPLES)
    assert report.findings == [] and report
    assert report.not_offered == tuple(op for op in ("log", "sigmoid") if
                                       not hasattr(engine, op))
    assert str(report).startswith(f"check_engine({engine.__name__}): no findings")


def test_what_is_not_offered_is_listed_and_not_tested():
    class Small(Engine):
        log = sigmoid = tanh = exp = None  # type: ignore[assignment]

    report = check_engine(Small, examples=EXAMPLES)
    assert report and report.not_offered == ("exp", "log", "tanh", "sigmoid")
    assert report.offered == ("add", "sub", "mul", "div", "pow", "neg", "relu")
    assert "not offered (not tested): exp, log, tanh, sigmoid" in str(report)


def test_a_finding_shows_the_shrunk_graph_and_both_engines_results(reports):
    (finding,) = reports[GradOverwritten].findings
    assert finding.expression == ("x = GradOverwritten(0.0)\nout = x + x\nout.backward()")
    assert finding.expected == Outcome(0.0, {"x": 2.0}) and finding.got == Outcome(0.0, {"x": 1.0})
    assert "`self.grad += ...` instead of `self.grad = ...`" in finding.message
    assert "x is used 2 times; x.grad should be 2.0, got 1.0" in finding.message


def test_a_consequence_is_not_reported_twice(reports):
    """WrongMul's neg, sub, div and reflected forms fail too, being built on mul."""
    (finding,) = reports[WrongMul].findings
    assert finding.code == "local-derivative:mul"
    broken = WrongMul(3.0)
    (broken / 2.0).backward()
    assert broken.grad != 0.5  # div is wrong on this engine, and not reported


@pytest.mark.parametrize("engine", list(PLANTED), ids=lambda cls: cls.__name__)
def test_every_expression_is_python_that_reproduces_the_finding(reports, engine):
    for finding in reports[engine].findings:
        for cls, outcome in ((engine, finding.got), (autograd.Value, finding.expected)):
            space = {engine.__name__: cls}
            try:
                exec(finding.expression, space)  # noqa: S102 - our own generated source
            except Exception as error:  # noqa: BLE001
                assert outcome.error and type(error).__name__ in outcome.error
                continue
            assert space["out"].data == outcome.value
            for name, grad in outcome.grads.items():
                assert space[name].grad == grad, (finding.code, name)


def test_micrograd_gets_double_count_and_recursion_and_the_messages_say_why(reports):
    report = reports[Micrograd]
    recursion, double = report.findings
    assert "micrograd's own `build_topo` does this too" in recursion.message
    assert "for _ in range(5000):" in recursion.expression
    assert "RecursionError" in recursion.got.error and recursion.expected.grads == {"x": 1.0}
    assert double.expression.endswith("out.backward()\nout.backward()")
    want, got = double.expected.grads["x"], double.got.grads["x"]
    assert want != got and "twice the first call's" in double.message


def test_recursion_is_checked_at_pythons_default_limit_whatever_the_callers():
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(50_000)  # a raised limit would let the recursive sort pass
    try:
        codes = [f.code for f in check_engine(Micrograd, examples=5).findings]
        assert sys.getrecursionlimit() == 50_000  # restored
    finally:
        sys.setrecursionlimit(before)
    assert "recursion" in codes


def test_the_report_prints_and_is_reproducible(reports):
    text = str(reports[NoRtruediv])
    assert text.splitlines()[0] == "check_engine(NoRtruediv): 1 finding"
    assert "0. reflected:div: `2.0 / x` at x = " in text
    assert "define `def __rtruediv__(self, other): return other * self**-1`" in text
    assert "expected (stepgrad): value " in text and "got:                 raised TypeError" in text
    assert str(check_engine(NoRtruediv, examples=EXAMPLES)) == text
    assert repr(reports[Micrograd]) == "<EngineReport of Micrograd: recursion, double-count>"


def test_draw_puts_expected_and_got_side_by_side_and_fills_the_first_wrong_node(reports):
    need("dot")  # the Digraph is built without it, but the test renders it too
    dot = reports[GradOverwritten].draw(0)
    assert "x | data 0.0000 | expected grad 2.0000 | got grad 1.0000" in dot.source
    filled = [line for line in dot.source.splitlines() if "fillcolor" in line]
    assert len(filled) == 1 and filled[0].strip().startswith("n0 ")  # x: the wrong one
    svg = autograd.viz.to_svg(dot)
    assert "expected grad 2.0000" in svg and "got grad 1.0000" in svg
    double = reports[Micrograd].draw(1)
    assert "after 2 backward() calls" in double.source


def test_draw_refuses_what_it_cannot_draw(reports):
    with pytest.raises(ValueError, match="no small graph"):
        reports[Micrograd].draw(0)  # recursion: a 5,000-node chain
    with pytest.raises(IndexError, match="finding 5 does not exist: there are 2"):
        reports[Micrograd].draw(5)
    with pytest.raises(IndexError, match="no findings"):
        check_engine(Engine, examples=5).draw(0)


def test_jupyter_shows_a_table_and_the_drawings(reports):
    need("dot")
    page = reports[Micrograd]._repr_html_()
    assert page.count("<tr>") == 3 and "<code>double-count</code>" in page
    assert page.count("<svg") == 1  # the recursion chain is not drawn
    assert "<table" not in check_engine(Engine, examples=5)._repr_html_()


@pytest.mark.parametrize(("engine", "message"), [
    (42, "expected a Value class, got int"),
    (type("NoAdd", (), {"__init__": lambda self, data: None}), "NoAdd(1.0) + NoAdd(2.0) fails"),
    (type("NoBackward", (Engine,), {"backward": None}), "NoBackward has no backward() method"),
])
def test_an_engine_that_cannot_be_checked_is_refused(engine, message):
    with pytest.raises(UnusableEngineError, match=re.escape(message)):
        check_engine(engine)


@pytest.mark.parametrize("options", [{"examples": 0}, {"examples": True}, {"seed": -1},
                                     {"seed": 1.5}])
def test_bad_options_are_refused(options):
    with pytest.raises(ValueError, match="check_engine: (examples|seed) must be an int"):
        check_engine(Engine, **options)


def test_autograd_and_the_compat_layer_import_without_hypothesis():
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "import autograd, autograd.compat.micrograd.nn\n"
            "try:\n    import autograd.checkengine\nexcept ImportError:\n    print('lazy')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "lazy"


def test_without_dot_jupyter_shows_the_table_and_says_why_there_is_no_drawing(reports,
                                                                               monkeypatch):
    import autograd.viz.rendering as rendering

    def missing() -> str:
        raise rendering.DotNotFoundError("Graphviz's `dot` program is not on PATH")

    monkeypatch.setattr(rendering, "require_dot", missing)
    page = reports[GradOverwritten]._repr_html_()
    assert "<table" in page and "<svg" not in page
    assert "(not drawn: Graphviz&#x27;s `dot` program is not on PATH)" in page
