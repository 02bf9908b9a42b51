"""The docs' op list (docs/reference/operations.md) is generated from the op table, and current."""

from __future__ import annotations

import dataclasses
import importlib.util

import pytest
from docs_pages import ROOT

from autograd import OPS

SPEC = importlib.util.spec_from_file_location("write_op_list", ROOT / "scripts/write_op_list.py")
write_op_list = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(write_op_list)
PAGE = ROOT / "docs" / "reference" / "operations.md"


def test_the_page_is_what_the_script_writes():
    assert PAGE.read_text() == write_op_list.render(), "run: python scripts/write_op_list.py"
    assert write_op_list.main(["--check"]) == 0


def test_every_op_has_a_row_with_its_own_rule():
    rows = [line for line in PAGE.read_text().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(OPS)
    assert "| `tanh` | `x.tanh()` | `d/dx = 1 - out*out` |" in PAGE.read_text()


def test_the_list_follows_the_table(monkeypatch):
    """A changed op (here: a wrong rule) changes the generated list, so the test above fails."""
    wrong = dataclasses.replace(OPS["tanh"], partials=lambda m, a, out: (1.0 + out * out,))
    monkeypatch.setitem(OPS, "tanh", wrong)
    assert "`d/dx = 1 + out*out`" in write_op_list.render()
    assert PAGE.read_text() != write_op_list.render()
    assert write_op_list.main(["--check"]) == 1


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
