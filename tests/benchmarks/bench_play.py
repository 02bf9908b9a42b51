"""The Playground's training step in Pyodide (headless Chromium) against the same step in CPython.

    .venv/bin/python tests/benchmarks/bench_play.py [--steps N] [--site DIR]

Builds the pages (scripts/build_play.py) unless --site names a built out/site, serves them on
127.0.0.1, and runs the same Python in both: the Playground with its defaults (moons, MLP
2-8-8-1 relu, Adam, batch 16), a warm-up of 20 steps (so compile's traces are done), then N
timed steps (zero grads, forward, backward, Adam), compiled and dynamic. Prints the medians per
step and the ratio Pyodide / CPython, and the page's load-to-interactive time (nothing asserted).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# This checkout first: tests/ holds a folder named autograd (its tests), which must not shadow it.
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "web")]

from needs import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serving import build_play, served  # noqa: E402

MEASURE = """
import json, statistics, time
from stepgrad_play import playground as pg
timings = {}
for engine in ("compiled", "dynamic"):
    pg.call(json.dumps({"do": "configure", "compile": engine == "compiled"}))
    p = pg._playground
    p.train(20)
    per_step = []
    for _ in range(STEPS):
        started = time.perf_counter()
        p.train(1)
        per_step.append(time.perf_counter() - started)
    timings[engine] = statistics.median(per_step)
json.dumps(timings)
"""


def measure_cpython(steps: int) -> dict[str, float]:
    import json

    namespace: dict = {}
    exec(MEASURE.replace("STEPS", str(steps)).replace("json.dumps(timings)", "result = timings"),
         namespace)
    json.dumps(namespace["result"])
    return namespace["result"]


def measure_pyodide(site: Path, steps: int) -> tuple[dict[str, float], float]:
    import json

    from playwright.sync_api import sync_playwright

    with served(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(f"{url}/play/console.html")
        page.evaluate("async () => { await window.stepgradReady; }")
        load = time.perf_counter() - started
        code = MEASURE.replace("STEPS", str(steps))
        result = page.evaluate(
            "async (code) => (await window.stepgradReady).py.runPython(code)", code)
        browser.close()
    return json.loads(result), load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--site", type=Path, help="a built out/site (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp)
            build_play(site)
        browser, load = measure_pyodide(site, args.steps)
    cpython = measure_cpython(args.steps)
    print(f"Playground step (defaults: moons, MLP 2-8-8-1, Adam, batch 16), median of "
          f"{args.steps}; Pyodide load to interactive {load:.2f} s")
    print("| engine | CPython | Pyodide | Pyodide / CPython |\n|---|---|---|---|")
    for engine in ("compiled", "dynamic"):
        print(f"| {engine} | {cpython[engine] * 1e3:.2f} ms | {browser[engine] * 1e3:.2f} ms | "
              f"{browser[engine] / cpython[engine]:.2f}x |")


if __name__ == "__main__":
    main()
