"""The README's op list is generated from the op table; its testing section's examples run."""

from __future__ import annotations

import dataclasses
import doctest
import importlib.util
import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from autograd import OPS

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("write_op_list", ROOT / "scripts/write_op_list.py")
write_op_list = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(write_op_list)


def section(name: str) -> str:
    """The text between `<!-- section:name -->` and `<!-- /section:name -->`."""
    text = (ROOT / "README.md").read_text()
    _, rest = text.split(f"<!-- section:{name} -->\n", 1)
    body, _ = rest.split(f"\n<!-- /section:{name} -->", 1)
    return body


def test_ops_section_is_what_the_script_writes():
    assert section("ops") == write_op_list.render(), "run: python scripts/write_op_list.py"


def test_every_op_has_a_row_with_its_own_rule():
    rows = [line for line in section("ops").splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(OPS)
    assert "| `tanh` | `x.tanh()` | `d/dx = 1 - out*out` |" in section("ops")


def test_the_list_follows_the_table(monkeypatch):
    """A changed op (here: a wrong rule) changes the generated list, so the test above fails."""
    wrong = dataclasses.replace(OPS["tanh"], partials=lambda m, a, out: (1.0 + out * out,))
    monkeypatch.setitem(OPS, "tanh", wrong)
    assert "`d/dx = 1 + out*out`" in write_op_list.render()
    assert section("ops") != write_op_list.render()


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (lambda m, a, b, out: (a - (b - a),), "d/da = a - (b - a)"),
        (lambda m, a, b, out: ((a + b) * -a,), "d/da = (a + b)*-a"),
        (lambda m, a, b, out: (a / (b * a),), "d/da = a/(b*a)"),
        (lambda m, a, b, out: ((a**b) ** 2.0,), "d/da = (a**b)**2"),
        (lambda m, a, b, out: (-(a + b) + m.exp(-a),), "d/da = -(a + b) + exp(-a)"),
        (lambda m, a, b, out: (-1.0,), "d/da = -1"),
    ],
)
def test_rules_print_with_the_right_parentheses(rule, text):
    op = dataclasses.replace(OPS["add"], partials=rule)  # inputs a, b; one partial shown
    assert write_op_list.rule_text(op) == text


def test_replace_section_only_touches_the_section():
    readme = (ROOT / "README.md").read_text()
    changed = write_op_list.replace_section(readme, "new body")
    before = readme.split("<!-- section:ops -->")[0]
    after = readme.split("<!-- /section:ops -->")[1]
    assert changed == f"{before}<!-- section:ops -->\nnew body\n<!-- /section:ops -->{after}"


def test_testing_section_examples_run():
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section("testing"), {}, "README testing", "README.md", 0)
    assert test.examples, "the testing section has no examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_the_compiled_training_step_runs_as_written(tmp_path, monkeypatch):
    """Pasted alone into a fresh Python, the compile section's training loop runs and learns."""
    blocks = [b for b in re.findall(r"```python\n(.*?)```", section("compile"), re.S)
              if ">>>" not in b and not b.startswith(" ")]  # an indented block is an excerpt
    assert len(blocks) == 1 and "autograd.compile(" in blocks[0]
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with redirect_stdout(printed):
        exec(compile(blocks[0], "README.md (compile section)", "exec"), {})
    losses = [float(line.removeprefix("hinge loss ")) for line in printed.getvalue().splitlines()]
    assert len(losses) == 3 and losses[-1] < losses[0]
