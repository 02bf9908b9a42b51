"""Engine benchmark: time and peak memory per graph node on four workloads, one run, one machine.

    .venv/bin/python tests/benchmarks/bench_engine.py            # `make bench`: the full table
    .venv/bin/python tests/benchmarks/bench_engine.py --quick    # small sizes (the smoke test)
    .venv/bin/python tests/benchmarks/bench_engine.py --profile  # where the W1 step's time goes

Prints a markdown table (paste it into the README's performance section). Times are this
process's CPU time (`--wall` for wall time). W1 leads with what a training loop pays: the median of
back-to-back steps with the cyclic GC on, as it is (no `gc.collect()` between steps), engine and
floor taking turns; then the same with the GC paused. W2-W4 are the best of a few repetitions with
the GC paused (as `timeit` does). A timed run builds the graph, runs backward (and for W1 the
update) and frees the graph; counting nodes with `topological_order` happens outside the timer.
Memory per node comes from separate, untimed runs: the peak RSS growth of one run in a fresh
process (`peak_rss.py`), and the tracemalloc peak of one run here. GC and tracemalloc states are
restored afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import math
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bench_jacobian
import peak_rss
from floor import ALPHA, LR, flat, floor_step, init_net, two_moons

import autograd
from autograd import Value, sum_of, topological_order
from autograd.compiler import repeats

FULL = {"batch": 64, "w1_steps": 40, "chain": 1_000_000, "wide": 1_000_000, "fan": 100_000,
        "reps": 3, "compiled": 100_000, "jacobian": 200}
QUICK = {"batch": 8, "w1_steps": 3, "chain": 2_000, "wide": 2_000, "fan": 2_000, "reps": 2,
         "compiled": 2_000, "jacobian": 20}
TOLERANCE = {"rel_tol": 1e-9, "abs_tol": 1e-12}  # floor vs engine: loss and every gradient
MAX_FLOOR_RATIO = 20.0  # W1, GC on, back to back: the engine's median step / the floor's
MAX_BYTES_PER_NODE = 350.0  # W3: peak RSS growth per graph node, in a fresh process
MAX_COMPILED_RATIO = 1.0  # W1 compiled: a step at most this many times the floor's
MAX_W1_COMPILE_RATIO = 8.0  # W1: trace + code generation + compile(), in engine steps (GC on)
MAX_BIG_COMPILE_RATIO = 6.0  # W2, W3 at 100,000: compile, in dynamic forward+backwards (GC on)
MAX_SEARCH_RATIO = 1.05  # a graph with no repetition: compile with the search for repeated
# units / without it (what compile was before it)


@contextmanager
def gc_paused(paused: bool = True) -> Iterator[None]:
    """Collect, then pause the cyclic GC; the caller's GC state comes back after.

    With `paused` False it does nothing: the GC runs as it is, as a training loop sees it.
    """
    was_enabled = gc.isenabled()
    if paused:
        gc.collect()
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- W1: micrograd's demo step, on plain Values ------------------------------------------------


def fold(values: list[Value]) -> Value:
    """A left fold `v0 + v1 + ...` (what micrograd's `sum` builds): no balanced tree."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def mlp_score(net: list[list[list[Value]]], x: list[Value]) -> Value:
    """The 2-16-16-1 net: neuron = b + w1*x1 + w2*x2 + ... (a left fold), relu hidden units."""
    last = len(net) - 1
    for depth, layer in enumerate(net):
        out = []
        for neuron in layer:
            act = neuron[-1]
            for w, xi in zip(neuron, x):
                act = act + w * xi
            out.append(act if depth == last else act.relu())
        x = out
    return x[0]


def engine_loss(net: list, params: list[Value], points: list, labels: list) -> Value:
    """The forward: SVM max-margin loss mean(relu(1 - y*score)) + ALPHA * sum(p*p)."""
    return loss_on(net, params, [[Value(a), Value(b)] for a, b in points], labels)


def loss_on(net: list, params: list[Value], inputs: list, labels: list) -> Value:
    """The loss on inputs already Values (fresh leaves, or a compiled step's input slots)."""
    scores = [mlp_score(net, list(x)) for x in inputs]
    data_loss = fold([(1 - y * s).relu() for y, s in zip(labels, scores)]) / len(inputs)
    return data_loss + ALPHA * fold([p * p for p in params])


def compile_w1(net: list, params: list[Value], points: list, labels: list) -> Callable:
    """W1's loss compiled on the points: call it with the points, it fills every .grad."""
    return autograd.compile(lambda inputs: loss_on(net, params, inputs, labels), points)


def compiled_step(step: Callable, params: list[Value], points: list, lr: float = LR) -> float:
    """One training step with the compiled loss: zero grads, forward + backward, SGD."""
    for p in params:
        p.grad = 0.0
    loss = step(points)
    for p in params:
        p.data -= lr * p.grad
    return loss


def engine_update(loss: Value, params: list[Value]) -> None:
    """Zero grads, backward, SGD."""
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= LR * p.grad


def engine_step(net: list, params: list[Value], points: list, labels: list) -> Value:
    """One training step (forward, zero grads, backward, SGD update): returns the loss node."""
    loss = engine_loss(net, params, points, labels)
    engine_update(loss, params)
    return loss


def as_values(net: list) -> tuple[list, list[Value]]:
    """The float net as Values, and its parameters in the floor's order."""
    vnet = [[[Value(p) for p in neuron] for neuron in layer] for layer in net]
    return vnet, flat(vnet)


def assert_close(what: str, engine: float, floor: float) -> None:
    if not math.isclose(engine, floor, **TOLERANCE):
        raise AssertionError(f"W1 floor mismatch: {what}: engine {engine!r} != floor {floor!r}")


def check_floor(batch: int = 64) -> int:
    """One step of each from the same start: loss, every gradient and every update must agree."""
    points, labels = two_moons(batch)
    net = init_net()
    vnet, params = as_values(net)
    loss = engine_step(vnet, params, points, labels)
    floor_loss, floor_grads = floor_step(net, points, labels)
    assert_close("loss", loss.data, floor_loss)
    for i, (p, g) in enumerate(zip(params, flat(floor_grads))):
        assert_close(f"grad of parameter {i}", p.grad, g)
    for i, (p, q) in enumerate(zip(params, flat(net))):
        assert_close(f"parameter {i} after the update", p.data, q)
    return len(params)


# --- W2-W4: shapes that stress depth, width and fan-out --------------------------------------


def deep_chain(n: int) -> tuple[Value, Callable[[], None]]:
    """y = relu(y*w + b), n times, then backward. With w = 0.5, b = 1, y0 = 1: y -> 2."""
    w, b, y = Value(0.5), Value(1.0), Value(1.0)
    for _ in range(n):
        y = (y * w + b).relu()
    y.backward()

    def check() -> None:  # at the fixed point y = 2: dy/db = 1/(1-w) = 2, dy/dw = y/(1-w) = 4
        assert math.isfinite(y.data) and y.data > 0
        if n >= 200:
            assert math.isclose(b.grad, 2.0, rel_tol=1e-9), b.grad
            assert math.isclose(w.grad, 4.0, rel_tol=1e-9), w.grad

    return y, check


def wide_sum(n: int) -> tuple[Value, Callable[[], None]]:
    """sum_of (a balanced pairwise tree) of n products w_i * x_i; the 2n leaves are made here."""
    ws = [Value(0.25 * (i % 8) - 1.0) for i in range(n)]
    xs = [Value(0.5 * (i % 5) + 0.5) for i in range(n)]
    total = sum_of([w * x for w, x in zip(ws, xs)])
    total.backward()

    def check() -> None:  # d(total)/d(w_i) = x_i
        for i in (0, n // 2, n - 1):
            assert ws[i].grad == xs[i].data and xs[i].grad == ws[i].data

    return total, check


def fan_out(n: int) -> tuple[Value, Callable[[], None]]:
    """One Value a used in n products a * c_i, summed: d/da = sum(c_i), exactly."""
    a = Value(1.5)
    cs = [0.5 * (i % 7) - 1.0 for i in range(n)]  # halves: every partial sum is exact
    total = sum_of([a * c for c in cs])
    total.backward()

    def check() -> None:
        assert a.grad == math.fsum(cs), (a.grad, math.fsum(cs))

    return total, check


# --- measuring -------------------------------------------------------------------------------


def node_count(root: object) -> int:
    """Graph nodes reachable from `root` (0 for the floor, which has no graph)."""
    return len(topological_order(root)) if isinstance(root, Value) else 0


Clock = Callable[[], float]


def timed(work: Callable[[], tuple], clock: Clock, gc_on: bool = False) -> tuple[float, int]:
    """One repetition: (seconds building, backpropagating and freeing, graph nodes)."""
    with gc_paused(not gc_on):
        start = clock()
        root, check = work()
        built = clock()
        nodes = node_count(root)  # not timed
        check()
        resumed = clock()
        del root, check  # freeing the graph is part of the cost
        freed = clock()
    return (built - start) + (freed - resumed), nodes


def peak_bytes(work: Callable[[], tuple]) -> int:
    """tracemalloc peak of one repetition, above what was allocated before it started."""
    was_tracing = tracemalloc.is_tracing()
    with gc_paused():
        if not was_tracing:
            tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            result = work()
            peak = tracemalloc.get_traced_memory()[1] - before
            del result
        finally:
            if not was_tracing:
                tracemalloc.stop()
    return peak


@dataclass
class Row:
    name: str
    nodes: int | None  # None: no graph (the floor)
    seconds: float
    peak: int | None = None  # tracemalloc peak of one run, bytes
    rss: int | None = None  # peak RSS growth of one run in a fresh process, bytes
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None


def w1_medians(size: dict, clock: Clock, gc_on: bool, compiled: bool = False,
               lr: float = LR) -> tuple[float, float]:
    """Median seconds of an engine step and of a floor step, run back to back, taking turns.

    With `compiled` the engine's step is `autograd.compile`'s (compiled before the steps).
    With `lr` 0 the weights stay at their start, so the floor's work does not shrink as
    training meets hinge margins (its backward skips a sample whose margin is met).
    With `gc_on` the cyclic GC runs as it is: no collection before or between steps, as in a
    training loop. Otherwise it is collected once and paused for the whole run. Engine and floor
    each step their own copy of one start, and must still agree at the end.
    """
    points, labels = two_moons(size["batch"])
    net = init_net()
    vnet, params = as_values(net)
    if compiled:
        program = compile_w1(vnet, params, points, labels)

        def step() -> None:
            compiled_step(program, params, points, lr)
    else:
        if lr != LR:
            raise ValueError("w1_medians: the engine's step always learns at LR")

        def step() -> None:
            engine_step(vnet, params, points, labels)  # its graph is freed before the clock
    engine, floor = [], []
    with gc_paused(not gc_on):
        for _ in range(size["w1_steps"]):
            start = clock()
            step()
            middle = clock()
            floor_step(net, points, labels, lr)
            engine.append(middle - start)
            floor.append(clock() - middle)
    for i, (p, q) in enumerate(zip(params, flat(net))):  # still in lockstep with the floor
        assert_close(f"parameter {i} after {size['w1_steps']} steps", p.data, q)
    return statistics.median(engine), statistics.median(floor)


def w1_once(batch: int) -> Callable[[], tuple]:
    """One engine step from the initial weights, its inputs made beforehand (for memory)."""
    points, labels = two_moons(batch)
    vnet, params = as_values(init_net())
    return lambda: (engine_step(vnet, params, points, labels), lambda: None)


def bench_w1(size: dict, clock: Clock) -> list[Row]:
    """Engine and floor back to back with the GC on (the headline), then with it paused; then
    the compiled step back to back with the GC on, and what compiling costs."""
    on, floor_on = w1_medians(size, clock, gc_on=True)
    off, floor_off = w1_medians(size, clock, gc_on=False)
    fast, floor_fast = w1_medians(size, clock, gc_on=True, compiled=True)
    fixed, floor_fixed = w1_medians(size, clock, gc_on=True, compiled=True, lr=0.0)
    nodes = node_count(w1_once(size["batch"])()[0])
    peak = peak_bytes(w1_once(size["batch"]))
    rss = peak_rss.measure(SCRIPT, "w1", size["batch"])
    points, labels = two_moons(size["batch"])
    vnet, params = as_values(init_net())
    compile_seconds = math.inf
    for _ in range(size["reps"]):  # the best of a few, as for W2-W4
        start = clock()
        program = compile_w1(vnet, params, points, labels)
        compile_seconds = min(compile_seconds, clock() - start)
    with no_search():
        unrolled = compile_w1(vnet, params, points, labels)
    program_bytes = peak_bytes(lambda: compile_w1(*as_values(init_net()), points, labels))
    target = f"<= {MAX_FLOOR_RATIO:g}x floor"
    compiled_target = f"<= {MAX_COMPILED_RATIO:g}x floor"
    return [
        Row("W1 MLP step, engine, GC on", nodes, on, peak, rss, on / floor_on, target,
            on / floor_on <= MAX_FLOOR_RATIO),
        Row("W1 MLP step, floor (floats), GC on", None, floor_on, ratio=1.0),
        Row("W1 MLP step, engine, GC paused", nodes, off, ratio=off / floor_off,
            target="(for information)"),
        Row("W1 MLP step, floor (floats), GC paused", None, floor_off, ratio=1.0),
        Row("W1 MLP step, compiled, GC on", nodes, fast, ratio=fast / floor_fast,
            target=compiled_target, ok=fast / floor_fast <= MAX_COMPILED_RATIO),
        Row("W1 MLP step, compiled, GC on, weights fixed", nodes, fixed,
            ratio=fixed / floor_fixed, target="(for information: lr = 0 for both)"),
        Row(f"W1 compile (trace + codegen + compile()), {statements(unrolled):,} -> "
            f"{statements(program):,} statements", nodes, compile_seconds, program_bytes,
            ratio=compile_seconds / on, target=f"<= {MAX_W1_COMPILE_RATIO:g}x an engine step",
            ok=compile_seconds / on <= MAX_W1_COMPILE_RATIO),
    ]


@contextmanager
def no_search() -> Iterator[None]:
    """Compile as before repeated units were searched for: every node written out."""
    saved = repeats.MIN_GRAPH
    repeats.MIN_GRAPH = math.inf
    try:
        yield
    finally:
        repeats.MIN_GRAPH = saved


def statements(compiled: Callable) -> int:
    """A compiled program's statements: its source's lines that are not comments or defs."""
    return sum(1 for line in compiled.source.splitlines()
               if line.strip() and not line.lstrip().startswith(("#", "def ")))


WORKLOADS: dict[str, Callable[[int], Callable[[], tuple]]] = {
    "w1": w1_once,
    "w2": lambda n: lambda: deep_chain(n),
    "w3": lambda n: lambda: wide_sum(n),
    "w4": lambda n: lambda: fan_out(n),
}
"""Each workload by name, from its size to one run (what `--peak-rss` runs in a fresh process)."""
SCRIPT = Path(__file__).resolve()


def bench(name: str, workload: str, n: int, reps: int, clock: Clock, target: str,
          max_bytes: float | None = None) -> Row:
    """Best time of `reps` runs with the GC paused, and one run's memory (two ways)."""
    work = WORKLOADS[workload](n)
    best, nodes = math.inf, 0
    for _ in range(reps):
        seconds, nodes = timed(work, clock)
        best = min(best, seconds)
    peak = peak_bytes(work)
    rss = peak_rss.measure(SCRIPT, workload, n)
    ok = True if max_bytes is None else (None if rss is None else rss / nodes <= max_bytes)
    return Row(name, nodes, best, peak, rss, None, target, ok)


def run(size: dict, clock: Clock = time.process_time) -> list[Row]:
    """Every workload; raises AssertionError if a gradient is wrong.

    The default clock is this process's CPU time: on a shared machine it is far steadier than
    wall time, and for this single-threaded work they agree on an idle one.
    """
    rows = bench_w1(size, clock)
    reps = size["reps"]
    chain, wide, fan = size["chain"], size["wide"], size["fan"]
    rows.append(bench(f"W2 deep chain x{chain:,}", "w2", chain, reps, clock,
                      "runs; grads = closed form"))
    rows.append(bench(f"W3 wide sum of {wide:,} products", "w3", wide, reps, clock,
                      f"<= {MAX_BYTES_PER_NODE:g} RSS B/node", MAX_BYTES_PER_NODE))
    rows.append(bench(f"W4 fan-out x{fan:,}", "w4", fan, reps, clock, "grad exact"))
    rows.extend(bench_compiled(size["compiled"], reps, clock))
    return rows + jacobian_rows(size["jacobian"], reps, clock)


def chain_of(n: int, w: Value, b: Value) -> Callable[[float], Value]:
    """W2's chain as a function of y0, for compiling."""
    def chain(y: Value) -> Value:
        for _ in range(n):
            y = (y * w + b).relu()
        return y
    return chain


def products_of(n: int) -> Callable[[list, list], Value]:
    """W3's sum of products as a function of the 2n numbers, for compiling."""
    return lambda ws, xs: sum_of([w * x for w, x in zip(ws, xs)])


def bench_compiled(n: int, reps: int, clock: Clock) -> list[Row]:
    """W2 and W3 at n compiled: a call's time against the dynamic engine's at the same n."""
    rows = []
    w, b = Value(0.5), Value(1.0)
    ws = [0.25 * (i % 8) - 1.0 for i in range(n)]
    xs = [0.5 * (i % 5) + 0.5 for i in range(n)]
    cases = [(f"W2 deep chain x{n:,}", chain_of(n, w, b), (1.0,), None, "w2"),
             (f"W3 wide sum of {n:,} products", products_of(n), (ws, xs), (0, 1), "w3")]
    for name, f, args, argnums, dynamic in cases:
        with gc_paused():
            start = clock()
            program = autograd.compile(f, *args, argnums=argnums)
            seconds = clock() - start
            with no_search():
                unrolled = statements(autograd.compile(f, *args, argnums=argnums))
        dyn = bench(name, dynamic, n, reps, clock, "")
        user = min(timed(WORKLOADS[dynamic](n), clock, gc_on=True)[0] for _ in range(reps))
        best = math.inf
        for _ in range(reps):
            with gc_paused():
                start = clock()
                result = program(*args)
                best = min(best, clock() - start)
        if argnums is not None:  # W3: d/dw_i = x_i and d/dx_i = w_i
            assert result[1][0] == xs and result[1][1] == ws
        rows.append(Row(f"{name}, compiled", dyn.nodes, best, ratio=best / dyn.seconds,
                        target="vs the engine (not the floor)"))
        rows.append(Row(f"{name}, compile, {unrolled:,} -> {statements(program):,} statements",
                        dyn.nodes, seconds, ratio=seconds / user,
                        target=f"<= {MAX_BIG_COMPILE_RATIO:g}x a dynamic forward+backward",
                        ok=seconds / user <= MAX_BIG_COMPILE_RATIO))
    rows.append(search_cost(min(n, 20_000), reps, clock))
    return rows


def search_cost(n: int, reps: int, clock: Clock) -> Row:
    """Compiling a graph of n ops that repeats nothing, with the search for repeated units and
    without it, taking turns: what the search costs where it finds nothing."""
    rng = random.Random(7)
    plan = [(rng.randrange(4), rng.randrange(k + 2)) for k in range(n)]

    def f(x: Value, y: Value) -> Value:
        nodes = [x, y]
        for op, other in plan:
            a, b = nodes[-1], nodes[other]
            nodes.append(a + b if op == 0 else a * b * 0.5 if op == 1 else
                         (a - b).tanh() if op == 2 else a.sin())
        return nodes[-1]

    best = {True: math.inf, False: math.inf}
    for _ in range(reps):
        for search in (True, False):
            with gc_paused(), (contextlib.nullcontext() if search else no_search()):
                start = clock()
                program = autograd.compile(f, 0.5, -0.25, argnums=(0, 1))
                best[search] = min(best[search], clock() - start)
            assert "_group" not in program.source
    ratio = best[True] / best[False]
    return Row(f"compile {n:,} ops that repeat nothing, searched / not", None, best[True],
               ratio=ratio, target=f"<= {MAX_SEARCH_RATIO:g}x", ok=ratio <= MAX_SEARCH_RATIO)



def jacobian_rows(n: int, reps: int, clock: Clock) -> list[Row]:
    """J1/J2: each Jacobian in both modes; the target column: this time / the other mode's."""
    rows = []
    for name, f, point in bench_jacobian.cases(n):
        bench_jacobian.check_modes_agree(f, point)
        best = {}
        for _ in range(reps):  # interleaved, so both modes see the same machine load
            for mode in ("rev", "fwd"):
                seconds, _ = timed(bench_jacobian.work(f, point, mode), clock)
                best[mode] = min(best.get(mode, math.inf), seconds)
        for mode, other in (("rev", "fwd"), ("fwd", "rev")):
            passes = f"{len(point)} jvps" if mode == "fwd" else "one pullback per output"
            ratio = best[mode] / best[other]
            rows.append(Row(f"{name}, mode={mode!r}", None, best[mode],
                            target=f"{ratio:.3g}x the time of mode={other!r} ({passes})"))
    return rows


def markdown(rows: list[Row]) -> str:
    lines = [
        "| workload | graph nodes | time | ns / node | peak RSS B / node | tracemalloc B / node "
        "| vs floor | target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        nodes = f"{r.nodes:,}" if r.nodes else "-"
        per_node = f"{r.seconds * 1e9 / r.nodes:,.0f}" if r.nodes else "-"
        rss = f"{r.rss / r.nodes:,.0f}" if r.rss is not None else "-"
        peak = f"{r.peak / r.nodes:,.0f}" if r.peak is not None else "-"
        ratio = f"{r.ratio:.1f}x" if r.ratio is not None else "-"
        result = "" if r.ok is None else ("PASS" if r.ok else "FAIL")
        lines.append(f"| {r.name} | {nodes} | {r.seconds * 1e3:,.1f} ms | {per_node} | {rss} "
                     f"| {peak} | {ratio} | {r.target} | {result} |")
    return "\n".join(lines)


def engine_version() -> str:
    """The commit measured, and whether autograd/ had uncommitted changes (or "?")."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "autograd"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return f"{head}{' + uncommitted autograd/ changes' if dirty else ''}" if head else "?"


def profile_w1(batch: int, steps: int = 10, top: int = 12) -> str:
    """Where a W1 step goes: phases timed without a profiler, then cProfile's top functions."""
    points, labels = two_moons(batch)
    vnet, params = as_values(init_net())
    phases = {"forward (build the graph)": 0.0, "backward + update": 0.0, "free the graph": 0.0}
    profiler = cProfile.Profile()
    with gc_paused():
        for _ in range(steps):
            t0 = time.process_time()
            loss = engine_loss(vnet, params, points, labels)
            t1 = time.process_time()
            engine_update(loss, params)
            t2 = time.process_time()
            del loss
            t3 = time.process_time()
            for name, dt in zip(phases, (t1 - t0, t2 - t1, t3 - t2)):
                phases[name] += dt
        profiler.enable()
        for _ in range(steps):
            engine_step(vnet, params, points, labels)
        profiler.disable()
    whole = sum(phases.values())
    lines = [f"W1 step, CPU time by phase (no profiler): {whole / steps * 1e3:.1f} ms a step"]
    lines += [f"  {name}: {100 * dt / whole:.0f}%" for name, dt in phases.items()]
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt
    lines += ["", f"cProfile, own time (cProfile inflates small calls): {total:.2f} s", "",
              "| own time | % | calls | function |", "|---:|---:|---:|---|"]
    ranked = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    for (path, line, func), (_, calls, tottime, _, _) in ranked:
        where = f"{Path(path).name}:{line}({func})" if line else func
        lines.append(f"| {tottime:.3f} s | {100 * tottime / total:.1f} | {calls:,} | {where} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions")
    parser.add_argument("--profile", action="store_true", help="profile the W1 step instead")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--wall", action="store_true", help="time wall clock, not CPU time")
    parser.add_argument("--peak-rss", nargs=2, metavar=("WORKLOAD", "SIZE"),
                        help="(internal) print one run's peak RSS growth, in this fresh process")
    args = parser.parse_args(argv)
    if args.peak_rss:
        workload, n = args.peak_rss
        peak_rss.child(WORKLOADS[workload](int(n)))
        return 0
    size = QUICK if args.quick else FULL
    if args.profile:
        print(profile_w1(size["batch"]))
        return 0
    n_params = check_floor(size["batch"])
    rows = run(size, time.perf_counter if args.wall else time.process_time)
    print(f"stepgrad engine benchmark ({'--quick' if args.quick else 'full'}): engine "
          f"{engine_version()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{'Wall' if args.wall else 'CPU'} time; load average {load:.1f} at the end. W1: the "
          f"median of {size['w1_steps']} back-to-back steps, engine and floor taking turns, first "
          "with the cyclic GC on as it is (no gc.collect() before or between steps: what a "
          "training loop pays), then with it paused. W2-W4: the best of "
          f"{size['reps']} runs with the GC paused. A timed run builds, backpropagates and frees "
          "the graph.")
    print(f"W1 neurons are a left fold b + w1*x1 + w2*x2 + ... (as micrograd); the floor's loss "
          f"and all {n_params} gradients match the engine's to rel 1e-9.")
    print("peak RSS B / node = the resident set's peak growth during one run in a fresh process "
          "/ graph nodes; tracemalloc B / node = the tracemalloc peak of one run here / graph "
          "nodes. Both count everything the run allocates (W3: its 2n leaves too).\n")
    print(markdown(rows))
    return 1 if args.strict and any(r.ok is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
