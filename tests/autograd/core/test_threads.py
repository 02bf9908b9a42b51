"""Threads: passes that share a parameter, on every path that adds to `.grad`, lose nothing."""

from __future__ import annotations

import sys
import threading

import pytest

from autograd import Value, detect_anomaly, gradients, sum_of


@pytest.fixture
def fast_switching():
    """Switch threads every microsecond, so that any unguarded read-add-write interleaves."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def run_together(large: tuple, others: dict) -> dict:
    """Run `large` (name, work, times) while each other work repeats until it is done.

    Returns how often each work ran. All start at a barrier, so they overlap throughout.
    """
    name, work, times = large
    counts = dict.fromkeys([name, *others], 0)
    done = threading.Event()
    start = threading.Barrier(1 + len(others))
    errors: list[BaseException] = []

    def guarded(key, body):
        try:
            start.wait()
            body(key)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            done.set()

    def the_large(key):
        for _ in range(times):
            work()
            counts[key] += 1
        done.set()

    def repeated(key):
        while not done.is_set():
            others[key]()
            counts[key] += 1

    threads = [threading.Thread(target=guarded, args=(name, the_large))]
    threads += [threading.Thread(target=guarded, args=(key, repeated)) for key in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return counts


def test_every_path_adding_to_grad_keeps_every_contribution(fast_switching):
    # Integers and w = 1.0: every partial and every sum is exact in floating point, so the
    # totals must be exact, whatever the interleaving.
    w = Value(1.0, "w")  # one parameter shared by every thread's graph
    n = 1500
    large = sum_of([w * float(c) for c in range(1, n + 1)])  # d/dw = n(n+1)/2, 3n nodes
    small = w * 2.0  # d/dw = 2
    square = w * w  # d/dw = 2w = 2 (two contributions from one node)
    cube = w * w * w  # d/dw = 3w^2 = 3
    quad = w * 4.0  # d/dw = 4

    def anomaly_pass():
        with detect_anomaly():
            square.backward()

    def stepped_pass():
        for _ in cube.backward_steps():
            pass

    def functional_pass():  # reads only: its result must not see another pass's sums
        assert gradients(large)[1][w] == n * (n + 1) / 2

    counts = run_together(("large", large.backward, 25), {
        "small": small.backward,
        "anomaly": anomaly_pass,
        "create_graph": lambda: quad.backward(create_graph=True),
        "steps": stepped_pass,
        "functional": functional_pass,
    })
    assert min(counts.values()) > 0, counts
    expected = (counts["large"] * n * (n + 1) / 2 + counts["small"] * 2 + counts["anomaly"] * 2
                + counts["create_graph"] * 4 + counts["steps"] * 3)
    total = w.grad.data if isinstance(w.grad, Value) else w.grad
    assert total == expected, counts
    # Each graph's own nodes were touched by one thread only, yet check one of each kind.
    assert small.grad == counts["small"] and large.grad == counts["large"]
    assert cube.grad == counts["steps"]
    assert w._pass_grad is None
