"""Smoke test of `make bench`: each script runs and prints every row; no timing asserts."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from needs import CHROMIUM, need

HERE = Path(__file__).parent
SCRIPT = HERE / "bench_engine.py"


def _load(name: str, monkeypatch: pytest.MonkeyPatch):
    """Import a module of this folder by path (the folder is not a package), undone after."""
    monkeypatch.syspath_prepend(str(HERE))  # bench_engine imports its sibling `floor`
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_quick_run_prints_all_four_workloads():
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True,
                          text=True, timeout=300, cwd=HERE.parents[1])
    assert done.returncode == 0, done.stderr
    for workload in ("W1 MLP step, engine", "W1 MLP step, floor", "W2 deep chain",
                     "W3 wide sum", "W4 fan-out", "W1 MLP step, compiled", "W1 compile",
                     "W2 deep chain x2,000, compiled", "W2 deep chain x2,000, compile",
                     "W3 wide sum of 2,000 products, compiled", "J1 Jacobian 2 -> 20, mode='rev'",
                     "J1 Jacobian 2 -> 20, mode='fwd'", "J2 Jacobian 20 -> 2, mode='rev'",
                     "J2 Jacobian 20 -> 2, mode='fwd'"):
        assert f"| {workload}" in done.stdout, done.stdout
    assert "match the engine's to rel 1e-9" in done.stdout


@pytest.mark.parametrize("batch", [1, 8])
def test_floor_matches_the_engine(batch, monkeypatch):
    bench = _load("bench_engine", monkeypatch)
    # check_floor raises AssertionError unless loss, gradients and update agree to rel 1e-9
    assert bench.check_floor(batch) == 337


def test_floor_gradient_matches_a_central_difference(monkeypatch):
    """The floor's closed-form gradient is itself checked, on one weight, by finite differences."""
    floor = _load("floor", monkeypatch)
    points, labels = floor.two_moons(8)

    def loss_at(shift: float) -> float:
        net = floor.init_net()
        net[1][3][5] += shift
        return floor.floor_step(net, points, labels)[0]

    _, grads = floor.floor_step(floor.init_net(), points, labels)
    h = 1e-6
    numeric = (loss_at(h) - loss_at(-h)) / (2 * h)
    assert grads[1][3][5] != 0.0
    assert grads[1][3][5] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_peak_rss_of_a_fresh_process_sees_the_graph(monkeypatch):
    """The memory column's measurement: a fresh process running W3 grows by its nodes at least.

    Every node is at least a Value (96 bytes with its GC header) and most hold a float, so the
    growth must exceed 96 bytes per node; a reading that missed the graph would be near 0.
    """
    peak_rss = _load("peak_rss", monkeypatch)
    assert peak_rss.available()
    n = 50_000
    growth = peak_rss.measure(SCRIPT, "w3", n)
    assert growth > 96 * (4 * n - 1), growth


def test_the_playground_bench_runs_both_engines_in_pyodide_and_cpython():
    """`make bench`'s second script: builds the pages, runs the Playground's step in headless
    Chromium and here, and prints a row per engine with both medians and their ratio."""
    need("npm")
    need(CHROMIUM)
    done = subprocess.run([sys.executable, str(HERE / "bench_play.py"), "--steps", "2"],
                          capture_output=True, text=True, timeout=600, cwd=HERE.parents[1])
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines()
            if line.startswith(("| compiled", "| dynamic"))]
    assert len(rows) == 2, done.stdout
    for row in rows:
        _, engine, cpython, pyodide, ratio, _ = row.split("|")
        assert cpython.strip().endswith(" ms") and pyodide.strip().endswith(" ms"), row
        assert float(ratio.strip().rstrip("x")) > 0, row
