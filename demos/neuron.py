"""The classic single neuron, o = tanh(x1*w1 + x2*w2 + b), stepped through backprop and drawn.

    python demos/neuron.py [--quick] [--seed N] [--out DIR]

Prints every step of the backward pass as a chain-rule line, the table of all nodes, and checks
the gradients against the ones worked out by hand. Writes the graph with its gradients as an SVG
and an HTML player with one drawing per step. (`--quick` and `--seed` are accepted for uniformity:
this demo is already instant and has no randomness.)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `common`, when run as a script

from common import parse_args, write_graph_svg

import nn
from autograd import Value
from autograd.viz import write_player  # graphviz itself is imported only when rendering


def build() -> tuple[Value, dict[str, Value]]:
    """micrograd's example: b is chosen so that n = 0.8814 and o = tanh(n) = 1/sqrt(2)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    total = x1w1 + x2w2
    total.label = "x1w1x2w2"
    n = total + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def by_hand(v: dict[str, Value]) -> dict[str, float]:
    """The gradients worked out with the chain rule: do/dn = 1 - tanh(n)^2, then products."""
    do_dn = 1 - math.tanh(v["n"].data) ** 2
    return {"b": do_dn, "x1": v["w1"].data * do_dn, "w1": v["x1"].data * do_dn,
            "x2": v["w2"].data * do_dn, "w2": v["x2"].data * do_dn}


def step_through(o: Value) -> None:
    """Backprop one node at a time, printing the chain rule each step applies."""
    for step in o.backward_steps():
        print(f"\n{step.heading}\n{step}")


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("neuron", "Step through backprop on one tanh neuron.", argv)
    out = args.out
    o, v = build()
    print(f"forward: n = {v['n'].data:.4f}, o = tanh(n) = {o.data:.4f}   (1/sqrt(2) = "
          f"{1 / math.sqrt(2):.4f})")

    step_through(o)
    print()
    print(o.explain())

    expected = by_hand(v)
    grads = {name: v[name].grad for name in expected}
    print("\nchecked against the chain rule by hand:")
    for name, want in expected.items():
        got = grads[name]
        mark = "ok" if math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12) else "MISMATCH"
        print(f"  d o / d {name:<2} = {got:+.4f}   by hand {want:+.4f}   {mark}")

    notes = [write_graph_svg(o, out / "neuron.svg")]
    try:
        o.zero_grad()  # the player runs its own backward pass from zero
        player = write_player(o, out / "player.html", title="one tanh neuron")
        notes.append(f"step-through player (one SVG per step) -> {player}")
    except (ImportError, OSError, RuntimeError, TimeoutError) as error:
        notes.append(f"player skipped: {error}")

    # The same neuron from the nn library gives the same output for the same weights.
    neuron = nn.Neuron(2, activation="tanh")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = v["w1"].data, v["w2"].data, v["b"].data
    same = neuron([v["x1"].data, v["x2"].data]).data
    print(f"\nnn.Neuron(2, activation='tanh') with these weights: {same:.4f}")
    print("\n".join(notes))
    print(f"wrote the drawings to {out}/")
    return {"o": o.data, "grads": grads, "by_hand": expected,
            "neuron_output": same, "out": out}


if __name__ == "__main__":
    main()
