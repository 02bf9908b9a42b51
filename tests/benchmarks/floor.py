"""The floor for W1: one MLP training step by hand, on plain floats, with no graph at all.

The same net, data, loss and update as the engine's step in `bench_engine.py`, with the
gradients written out in closed form. It is the fastest that step can be in pure Python, so
"engine time / floor time" is the price of recording a graph and walking it back.

A net is a list of layers; a layer is a list of neurons; a neuron is `[w_1, ..., w_n, b]`
(weights then bias: micrograd's parameter order). Pre-activations are summed in the same order
as the engine's left fold (b + w1*x1 + w2*x2 + ...), so the two forwards agree bit for bit.
"""

from __future__ import annotations

import math
import random

ALPHA = 1e-4  # weight of the L2 penalty, as in micrograd's demo
LR = 0.05


def two_moons(n: int, seed: int = 0, noise: float = 0.1) -> tuple[list[tuple], list[float]]:
    """`n` seeded two-moons points and labels +-1 (upper moon -1, lower moon +1), no sklearn."""
    rng = random.Random(seed)
    points, labels = [], []
    for i in range(n):
        t = rng.uniform(0.0, math.pi)
        if i % 2 == 0:
            x, y, label = math.cos(t), math.sin(t), -1.0
        else:
            x, y, label = 1.0 - math.cos(t), 0.5 - math.sin(t), 1.0
        points.append((x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)))
        labels.append(label)
    return points, labels


def init_net(sizes: tuple[int, ...] = (2, 16, 16, 1), seed: int = 1) -> list[list[list[float]]]:
    """Weights U(-1, 1) from a seeded `random.Random`, biases 0."""
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1.0, 1.0) for _ in range(n_in)] + [0.0] for _ in range(n_out)]
        for n_in, n_out in zip(sizes, sizes[1:])
    ]


def flat(net: list) -> list[float]:
    """Every parameter (or gradient) of a net-shaped nest, in order."""
    return [p for layer in net for neuron in layer for p in neuron]


def floor_step(net: list, points: list, labels: list, lr: float = LR) -> tuple[float, list]:
    """One SGD step on `net` in place: (loss, gradients shaped like `net`), both pre-update.

    Loss: mean(relu(1 - y*score)) + ALPHA * sum(p*p); hidden layers relu, output linear.
    """
    n = len(points)
    grads = [[[0.0] * len(neuron) for neuron in layer] for layer in net]
    last = len(net) - 1
    data_loss = 0.0
    for point, y in zip(points, labels):
        # forward, keeping each layer's input and pre-activations for the backward pass
        acts, pres, h = [], [], list(point)
        for depth, layer in enumerate(net):
            pre = []
            for neuron in layer:
                s = neuron[-1]
                for w, x in zip(neuron, h):
                    s = s + w * x
                pre.append(s)
            acts.append(h)
            pres.append(pre)
            h = pre if depth == last else [s if s > 0 else 0.0 for s in pre]
        margin = 1.0 - y * h[0]
        data_loss += margin if margin > 0 else 0.0
        # backward: d(loss)/d(score) = -y * relu'(margin) / n
        upstream = [-y / n if margin > 0 else 0.0]
        for depth in range(last, -1, -1):
            layer, g_layer, h, pre = net[depth], grads[depth], acts[depth], pres[depth]
            if depth != last:
                upstream = [u if s > 0 else 0.0 for u, s in zip(upstream, pre)]
            down = [0.0] * len(h)
            for neuron, g, u in zip(layer, g_layer, upstream):
                if u == 0.0:
                    continue
                for i, x in enumerate(h):
                    g[i] += u * x
                    down[i] += u * neuron[i]
                g[-1] += u
            upstream = down
    reg = 0.0
    for p in flat(net):
        reg = reg + p * p
    loss = data_loss / n + ALPHA * reg
    for layer, g_layer in zip(net, grads):
        for neuron, g in zip(layer, g_layer):
            for i, p in enumerate(neuron):
                g[i] += 2.0 * ALPHA * p
                neuron[i] = p - lr * g[i]
    return loss, grads
