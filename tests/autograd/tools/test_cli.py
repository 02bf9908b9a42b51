"""`python -m autograd`, run as a user would: exit codes, one-line errors, the printed tables."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autograd import Value


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograd", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def balanced_sum(terms: list[str]) -> str:
    """`((t1+t2)+(t3+t4))...`: many nodes, little nesting."""
    while len(terms) > 1:
        pairs = [terms[i:i + 2] for i in range(0, len(terms), 2)]
        terms = [f"({p[0]}+{p[1]})" if len(p) == 2 else p[0] for p in pairs]
    return terms[0]


def assert_one_error_line(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert message in done.stderr


def test_value_and_every_inputs_gradient():
    done = run("tanh(x*w + b)", "x=2", "w=-3", "b=6.88")
    assert done.returncode == 0, done.stderr
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.88, "b")
    o = (x * w + b).tanh()
    o.backward()
    lines = done.stdout.splitlines()
    assert lines[0] == f"tanh(x*w + b) = {o.data!r}"
    assert lines[1].split() == ["input", "value", "gradient"]
    assert [line.split() for line in lines[2:5]] == [
        ["x", "2.0", repr(x.grad)], ["w", "-3.0", repr(w.grad)], ["b", "6.88", repr(b.grad)]]


def test_steps_are_printed_before_the_result():
    done = run("x*w", "x=2", "w=-3", "--steps")
    assert done.returncode == 0, done.stderr
    assert "step 0/1: x*w\n" in done.stdout
    assert "x.grad += 1.0 (upstream) * -3.0 (d(x*w)/dx = w) = -3.0" in done.stdout
    assert done.stdout.splitlines()[-1].split() == ["w", "-3.0", "2.0"]


def test_options_may_come_anywhere_and_dashdash_allows_a_leading_minus():
    assert run("--steps", "x*x", "x=3").returncode == 0
    done = run("--", "-x", "x=2")
    assert done.returncode == 0 and done.stdout.startswith("-x = -2.0")


@pytest.mark.parametrize(("args", "message"), [
    (["x.__class__", "x=1"], "attribute access not allowed (at column 1)"),
    (["__import__('os').system('echo hi')"], "not allowed"),
    (["9**9**9"], "constant exponent"),
    (["log(x)", "x=0"], "log(x=0.0): log needs x > 0"),
    (["sqrt(x)", "x=0"], "sqrt(x=0.0): the derivative is not finite"),
    (["x*y", "x=1"], "y has no value: pass y=NUMBER (at column 3)"),
    (["x", "x=abc"], "'abc' is not a number"),
    (["x", "3"], "variables are given as name=number"),
    (["x", "x=1", "x=2"], "x is given twice"),
    (["x", "--bogus"], "unrecognized arguments"),
    ([], "give an expression; name=number for each of its inputs is optional"),
    (["--steps"], "give an expression; name=number"),
    (["1if x else 2", "x=1"], "if/else not allowed"),  # and no SyntaxWarning line
    (["1or x", "x=1"], "and/or not allowed"),
    (["x", "x=1", "--svg", ""], "--svg needs a file name"),
    (["x", "x=1", "--svg", "g.png"], "--svg writes an SVG picture: give a .svg file"),
    (["x", "x=1", "--html", ""], "--html needs a file name"),
    (["x", "x=1", "--html", "out.txt"], "give a .html file"),
    (["x", "x=1", "--html", ".html"], "give a .html file, not '.html'"),  # a name, no suffix
    (["x", "x=1", "--html", "sub/.HTM"], "give a .html file, not 'sub/.HTM'"),
    ([balanced_sum([f"exp(x*{k})" for k in range(1, 81)]), "x=0.01", "--html", "p.html"],
     "--html: the graph has 320 nodes, more than the 300"),
])
def test_refusals_exit_2_with_one_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing is written, but if it were, it would land here
    assert_one_error_line(run(*args), message)
    assert list(tmp_path.iterdir()) == []


def test_svg_refuses_a_graph_draw_dot_would_refuse(tmp_path, monkeypatch, capsys):
    # 2,000 nodes take more than the 1,000 characters an expression may have: lower the limit.
    from autograd.tools.cli import main

    monkeypatch.setattr("autograd.viz.dot.DEFAULT_MAX_NODES", 4)
    monkeypatch.chdir(tmp_path)
    assert main(["x*w + b", "x=2", "w=-3", "b=1", "--svg", "g.svg"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error: --svg: the graph has 5 nodes, more than the 4 that --svg draws\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_a_missing_dot_is_one_line(option, tmp_path):
    target = str(tmp_path / ("g.svg" if option == "--svg" else "p.html"))
    done = run("x*w", "x=2", "w=-3", option, target, env={**os.environ, "PATH": "/nothing"})
    assert_one_error_line(done, "Graphviz's `dot` program is not on PATH")


def test_a_closed_pipe_ends_quietly():
    read, write = os.pipe()
    os.close(read)  # like `| head -2` once head has exited: every write gets EPIPE
    try:
        done = subprocess.run([sys.executable, "-m", "autograd", "x*w", "x=2", "w=-3",
                               "--steps"], stdout=write, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 1


def test_svg_is_written(tmp_path):
    target = tmp_path / "g.svg"
    done = run("tanh(x*w + b)", "x=2", "w=-3", "b=6.88", "--svg", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "tanh" in target.read_text()
    assert done.stdout.splitlines()[-1] == f"wrote {target}"
    # Drawn after backward: x's record shows d/dx tanh(x*w + b) = w * (1 - tanh(0.88)^2).
    assert "grad &#45;1.5029" in target.read_text()


def test_html_player_is_written(tmp_path):
    target = tmp_path / "p.html"
    done = run("x*w", "x=2", "w=-3", "--html", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text().lstrip().lower().startswith("<!doctype html")


def test_html_player_steps_from_zero_to_the_printed_gradients(tmp_path):
    # The player runs its own pass: on top of the CLI's, it used to end at twice the gradients.
    done = run("x*w", "x=2", "w=-3", "--html", str(tmp_path / "p.html"))
    assert done.returncode == 0, done.stderr
    first, last = sorted((tmp_path / "p_frames").glob("step-*.svg"))
    assert "grad 0.0000" in first.read_text()
    assert "grad &#45;3.0000" in last.read_text() and "grad 2.0000" in last.read_text()
    assert "6.0000" not in last.read_text().replace("&#45;6.0000", "")  # x*w = -6 is data


def test_unwritable_output_is_a_clean_error_before_any_output(tmp_path):
    (tmp_path / "a_file").write_text("")
    for option, name in (("--html", "p.html"), ("--svg", "g.svg")):
        done = run("x*w", "x=2", "w=-3", option, str(tmp_path / "a_file" / name))
        assert_one_error_line(done, "cannot write: ")
        assert "a_file' is not a directory" in done.stderr


@pytest.mark.parametrize(("args", "shown"), [
    (["x", "x=1\n2"], "x=1\\n2: '1\\n2' is not a number"),
    (["x", "x\ny=1"], "'x\\ny=1': variables are given as name=number"),
    (["x", "x=1", "--bogus\nflag"], "unrecognized arguments: --bogus\\nflag"),
    (["x", "x=1", "--html", "a\nb.txt"], "not 'a\\nb.txt'"),
    (["x", "x=\x1b[2J"], "'\\x1b[2J' is not a number"),  # a terminal escape, shown
    (["x", "x=1\u20282"], "'1\\u20282' is not a number"),
    (["x", "x=1", "--svg", "no\ndir/\u202egpj.svg"], None),  # written: nothing to refuse
], ids=["value", "name", "option", "path", "escape", "line separator", "svg path"])
def test_user_text_is_echoed_escaped_so_an_error_stays_one_line(args, shown, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = run(*args)
    if shown is None:
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "wrote no\\ndir/\\u202egpj.svg"
        return
    assert_one_error_line(done, shown)
    assert list(tmp_path.iterdir()) == []


def test_html_refuses_work_beyond_its_bound_at_once(tmp_path, monkeypatch):
    # Within every other limit (888 characters, 223 nodes < 300), but 222 dot runs of 223 nodes:
    # about 12 s each. Refused before backward, before any dot run, before any output.
    monkeypatch.chdir(tmp_path)
    expression = " + ".join(["tanh(x*y)"] * 74)
    done = run(expression, "x=0.5", "y=0.3", "--html", "p.html")
    assert_one_error_line(done, "--html: 222 steps of 223 nodes each is 49,506 node-frames to "
                                "draw, more than the 5,000 that --html draws")
    assert list(tmp_path.iterdir()) == []


def test_the_html_bound_is_the_libraries_bound():
    from autograd.tools.parser import evaluate
    from autograd.viz.frames import PLAYER_MAX_WORK, check_work, player_work

    root = evaluate(" + ".join(["tanh(x*y)"] * 74), {"x": 0.5, "y": 0.3})
    assert player_work(root) == (222, 223) and PLAYER_MAX_WORK == 5_000
    with pytest.raises(ValueError, match="49,506 node-frames, more than max_work=5,000"):
        check_work(root, PLAYER_MAX_WORK, None, "write_player")


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_an_output_path_that_is_a_directory_is_refused_before_any_output(option, tmp_path):
    target = tmp_path / ("out.svg" if option == "--svg" else "out.html")
    target.mkdir()
    done = run("x*w", "x=2", "w=-3", option, str(target))
    assert_one_error_line(done, "is a directory")
    assert list(tmp_path.iterdir()) == [target] and list(target.iterdir()) == []


def test_a_frames_folder_that_is_a_file_is_refused_before_any_output(tmp_path):
    (tmp_path / "p_frames").write_text("mine")
    done = run("x*w", "x=2", "w=-3", "--html", str(tmp_path / "p.html"))
    assert_one_error_line(done, "is not a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p_frames"]
    assert (tmp_path / "p_frames").read_text() == "mine"


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_a_failure_after_the_checks_prints_nothing_but_its_line(option, tmp_path, monkeypatch,
                                                               capsys):
    # Every output is computed and written before anything is printed: a drawing that fails
    # (dot crashing, a refused SVG) leaves one error line, not a table followed by an error.
    from autograd.tools.cli import main
    from autograd.viz import rendering

    def crash(*args, **kwargs):
        raise RuntimeError("dot -Tsvg failed: it crashed")

    monkeypatch.setattr(rendering, "_run_dot", crash)
    target = str(tmp_path / ("g.svg" if option == "--svg" else "p.html"))
    assert main(["x*w", "x=2", "w=-3", "--steps", option, target]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error: dot -Tsvg failed: it crashed\n"
