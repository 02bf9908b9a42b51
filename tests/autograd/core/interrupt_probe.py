"""Ctrl-C at random moments during backward passes: each pass is stored whole or not at all.

Run by test_failed_passes.py in a child process: `python interrupt_probe.py plain|anomaly|
create_graph`. Prints `interrupted 40 passes; none half committed`, or fails with the evidence.
"""

from __future__ import annotations

import _thread
import random
import signal
import sys
import threading
import time

from autograd import Value, detect_anomaly, sum_of, topological_order


class Armed:
    """A plain flag (no lock inside, unlike threading.Event, so an interrupt cannot strand one)."""

    on = False


def handler(signum, frame):
    """SIGINT raises KeyboardInterrupt only while armed: only inside a pass."""
    if Armed.on:
        raise KeyboardInterrupt


def interrupted(work) -> None:
    Armed.on = True
    try:
        work()
    finally:
        Armed.on = False


def run(path: str, y: Value) -> None:
    if path == "plain":
        interrupted(y.backward)
    elif path == "anomaly":
        with detect_anomaly():  # entering anomaly mode is not armed: only the pass
            interrupted(y.backward)
    else:
        interrupted(lambda: y.backward(create_graph=True))


def number(g):
    return g.data if isinstance(g, Value) else g


def main(path: str) -> None:
    # Every node of a sum has gradient 1 each pass: after any number of passes, whole or not at
    # all, every .grad is the same number.
    leaves = [Value(1.0) for _ in range(300)]
    y = sum_of(leaves)
    nodes = topological_order(y)
    stop = threading.Event()
    rng = random.Random(7)

    def interrupter():
        while not stop.is_set():
            time.sleep(rng.uniform(0, 0.003))
            _thread.interrupt_main(signal.SIGINT)

    signal.signal(signal.SIGINT, handler)
    thread = threading.Thread(target=interrupter)
    thread.start()
    count = 0
    try:
        for _ in range(5000):
            if count == 40:
                break
            try:
                run(path, y)
            except KeyboardInterrupt:
                count += 1
            grads = {number(node.grad) for node in nodes}
            assert len(grads) == 1, f"a pass was half committed: {sorted(grads)[:5]}"
            assert all(node._pass_grad is None for node in nodes), "pass marks left behind"
    finally:
        stop.set()
        thread.join()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a last interrupt in flight is dropped
    assert count == 40, f"only {count} passes were interrupted"
    print(f"interrupted {count} passes; none half committed")


if __name__ == "__main__":
    main(sys.argv[1])
