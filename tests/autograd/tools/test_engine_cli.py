"""`python -m autograd check-engine FILE.py:CLASS`, run as a learner would: exit 0 / 1 / 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ENGINES = Path(__file__).with_name("learner_engines.py")


def run(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "autograd", *args] if code is None else [
        sys.executable, "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def one_error_line(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert message in done.stderr


def test_a_correct_engine_exits_0_and_prints_its_report():
    done = run("check-engine", f"{ENGINES}:Engine", "--examples", "20")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("check_engine(Engine): no findings")
    assert "tested: add, sub, mul, div, pow, neg, exp, log, tanh, relu, sigmoid" in done.stdout


def test_findings_exit_1_and_are_printed():
    done = run("check-engine", "--seed", "3", f"{ENGINES}:Micrograd", "--examples=20")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "check_engine(Micrograd): 2 findings"
    assert any(line.startswith("0. recursion: ") for line in lines)
    assert any(line.startswith("1. double-count: ") for line in lines)


@pytest.mark.parametrize(("target", "message"), [
    ("missing.py:Value", "no such file: missing.py"),
    ("engine.py", "expected FILE.py:CLASS, got 'engine.py'"),
    (f"{ENGINES}:Nope", f"{ENGINES} has no class Nope; its classes: BreadthFirst, "),
    (f"{ENGINES}:PLANTED", "has no class PLANTED"),
])
def test_no_such_file_or_class_exits_2(target, message):
    one_error_line(run("check-engine", target), message)


def test_a_file_that_fails_to_import_or_a_class_that_cannot_add_exits_2(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('half written')\n")
    one_error_line(run("check-engine", f"{broken}:Value"),
                   "raised RuntimeError: half written")
    exits = tmp_path / "exits.py"
    exits.write_text("import sys\nsys.exit(3)\n")
    one_error_line(run("check-engine", f"{exits}:Value"), "raised SystemExit: 3")
    no_add = tmp_path / "no_add.py"
    no_add.write_text("class Value:\n    def __init__(self, data):\n        self.data = data\n")
    one_error_line(run("check-engine", f"{no_add}:Value"),
                   "Value(1.0) + Value(2.0) fails (TypeError: unsupported operand")


def test_the_learners_own_imports_work(tmp_path):
    (tmp_path / "engine_parts.py").write_text(ENGINES.read_text())
    (tmp_path / "mine.py").write_text("from engine_parts import Engine as Value\n")
    done = run("check-engine", f"{tmp_path / 'mine.py'}:Value", "--examples", "10")
    assert done.returncode == 0, done.stderr


def test_help_says_the_file_is_run_and_asking_for_it_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    engine = tmp_path / "engine.py"
    engine.write_text(f"open({str(marker)!r}, 'w').close()\n")
    done = run("check-engine", f"{engine}:Value", "--help")
    assert done.returncode == 0
    assert "IMPORTS FILE.py, which RUNS its code" in " ".join(done.stdout.split())
    assert not marker.exists()
    assert "check-engine FILE.py:CLASS" in " ".join(run("--help").stdout.split())


def test_bad_options_exit_2():
    one_error_line(run("check-engine", f"{ENGINES}:Engine", "--examples", "0"),
                   "check_engine: examples must be an int >= 1, got 0")
    one_error_line(run("check-engine"), "the following arguments are required: FILE.py:CLASS")


def test_the_expression_cli_is_unchanged_even_for_an_expression_named_so():
    done = run("check-engine", "check=5", "engine=2")  # the expression check - engine
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("check-engine = 3.0")


def test_without_hypothesis_it_says_what_to_install():
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "from autograd.tools.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    one_error_line(run("check-engine", f"{ENGINES}:Engine", code=code),
                   "check-engine needs hypothesis: pip install hypothesis")
