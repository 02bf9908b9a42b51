"""The main demo: quick mode writes every picture; full mode reaches >= 97% test accuracy."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run_writes_pictures_weights_and_names_the_folder(demo, tmp_path, capsys):
    result = demo("moons").main(["--quick", "--out", str(tmp_path)])
    for name in ("decision_boundary.png", "loss.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    svg = (tmp_path / "neuron_graph.svg").read_text()
    assert "<svg" in svg and "layers.0.neurons.0.w.0" in svg  # parameters drawn by name
    # ...and every other node by what it is: its formula in short names, never node#i.
    for formula in ("w.0*x0", "w.0*x0 + w.1*x1 + b", "relu", ">h<", "softplus(h) &#45; 1*h"):
        assert formula in svg, formula
    assert "node#" not in svg
    saved = json.loads((tmp_path / "model.json").read_text())
    assert len(saved["parameters"]) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert len(result["history"]["test loss"]) == 3
    assert str(tmp_path) in capsys.readouterr().out


def test_runs_as_a_script(tmp_path):
    done = subprocess.run(
        [sys.executable, "demos/moons.py", "--quick", "--seed", "3", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "test accuracy" in done.stdout and str(tmp_path) in done.stdout
    assert "moons" in done.stderr  # the tqdm bar


def test_bad_arguments_exit_with_usage(demo, tmp_path):
    with pytest.raises(SystemExit):
        demo("moons").main(["--seed", "abc", "--out", str(tmp_path)])


def test_full_run_reaches_97_percent_on_held_out_points(demo, tmp_path):
    # ~25 s on a 2-core machine: fast enough for the default suite.
    result = demo("moons").main(["--out", str(tmp_path)])
    assert result["test_accuracy"] >= 0.97
    assert result["history"]["train loss"][-1] < result["history"]["train loss"][0]
