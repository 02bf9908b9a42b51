"""Vanishing and exploding gradients in a deep, narrow MLP, and what fixes them.

    python demos/vanishing.py [--quick] [--seed N] [--out DIR]

Twelve hidden layers of eight units, with sigmoid, tanh or relu, started from a naive
initialisation (micrograd's U(-1, 1)) or the one made for the activation (Xavier for sigmoid and
tanh, He for relu). It plots the gradient norm reaching every layer at initialisation, trains each
configuration with plain SGD on two moons (SGD, not Adam: Adam rescales every gradient and would
hide the problem), then blows the weights up and shows what `clip_grad_norm` does.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `common`, when run as a script

from common import parse_args, progress, pyplot, save_figure, whole_ticks

import nn
from autograd import gradients

DEPTH, WIDTH = 12, 8
SCALE = 1.2  # the exploding case: every weight of a naive relu net times this
CONFIGS = [(act, init) for act in ("sigmoid", "tanh", "relu")
           for init in ("uniform", "he" if act == "relu" else "xavier")]


def make_model(activation: str, init: str, seed: int, scale: float = 1.0) -> nn.MLP:
    """2 inputs -> DEPTH hidden layers of WIDTH -> 1 score; every weight multiplied by `scale`."""
    model = nn.MLP(2, [WIDTH] * DEPTH + [1], activation=activation, init=init, rng=seed)
    for layer in model.layers:
        for neuron in layer.neurons:
            for w in neuron.w:
                w.data *= scale
    return model


def layer_norms(model: nn.MLP, points: list, labels: list[int]) -> list[float]:
    """|d loss / d output of layer l| for every layer, first layer first, mean over `points`.

    The backpropagated error reaching each layer (as Glorot and Bengio plot it); `gradients`
    touches no `.grad`.
    """
    totals = [0.0] * len(model.layers)
    for point, label in zip(points, labels):
        outputs, out = [], point
        for layer in model.layers:
            out = layer(out)
            outputs.append(out)
        _, grads = gradients(nn.bce_with_logits(out, [label]))
        for k, layer_out in enumerate(outputs):
            totals[k] += math.sqrt(sum(grads[v] ** 2 for v in layer_out)) / len(points)
    return totals


def loss_of(model: nn.MLP, points: list, labels: list[int]):
    return nn.bce_with_logits([model(p)[0] for p in points], labels)


def train(model: nn.MLP, points: list, labels: list[int], steps: int, lr: float,
          clip: float | None, bar) -> dict[str, list[float]]:
    """Full-batch SGD with momentum; the loss and the gradient norm before each step."""
    optimizer = nn.SGD(model.parameters(), lr=lr, momentum=0.9)
    history: dict[str, list[float]] = {"loss": [], "grad norm": []}
    for _ in range(steps):
        loss = loss_of(model, points, labels)
        optimizer.zero_grad()
        loss.backward()
        params = model.parameters()
        norm = nn.clip_grad_norm(params, clip) if clip else \
            math.sqrt(sum(p.grad ** 2 for p in params))
        history["loss"].append(loss.data)
        history["grad norm"].append(norm)
        if math.isfinite(loss.data) and math.isfinite(norm):
            optimizer.step()
        bar.update()
    return history


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("vanishing", "Vanishing and exploding gradients in a deep MLP.", argv)
    started = time.perf_counter()
    n, steps = (32, 3) if args.quick else (48, 40)
    points, labels = nn.make_moons(n, noise=0.1, rng=args.seed)
    points = nn.Standardizer(points)(points)
    probe = points[:16]

    at_init, curves = {}, {}
    with progress(len(CONFIGS) * steps + 2 * steps, "vanishing") as bar:
        for act, init in CONFIGS:
            name = f"{act}, {'naive U(-1,1)' if init == 'uniform' else init}"
            model = make_model(act, init, args.seed)
            at_init[name] = layer_norms(model, probe, labels[:16])
            curves[name] = train(model, points, labels, steps, 0.05, None, bar)["loss"]
        # Exploding: each layer multiplies the signal's variance by SCALE^2 * 8/3 * 1/2 = 1.9.
        exploding = {}
        for label, clip in (("no clipping", None), ("clip_grad_norm(1.0)", 1.0)):
            model = make_model("relu", "uniform", args.seed, scale=SCALE)
            if not exploding:
                at_init[f"relu, U(-{SCALE:g},{SCALE:g}) (explodes later)"] = layer_norms(
                    model, probe, labels[:16])
            exploding[label] = train(model, points, labels, steps, 0.05, clip, bar)

    out = args.out
    plot(out / "vanishing.png", at_init, curves, exploding)
    seconds = time.perf_counter() - started
    ratio = {name: norms[0] / norms[-1] if norms[-1] else math.inf
             for name, norms in at_init.items()}
    for name, value in ratio.items():
        print(f"{name:34s} gradient reaching layer 1 / reaching the last layer: {value:.3g}")
    final = {name: loss[-1] for name, loss in curves.items()}
    print(f"final loss after {steps} SGD steps: " +
          ", ".join(f"{name} {value:.3f}" for name, value in final.items()))
    print(f"exploding relu: largest gradient norm {max(exploding['no clipping']['grad norm']):.3g}"
          f"; final loss {exploding['no clipping']['loss'][-1]:.3g} without clipping, "
          f"{exploding['clip_grad_norm(1.0)']['loss'][-1]:.3g} with ({seconds:.1f}s)")
    print(f"wrote vanishing.png to {out}/")
    return {"at_init": at_init, "ratio": ratio, "curves": curves, "final_loss": final,
            "exploding": exploding, "seconds": seconds, "out": out}


def plot(path: Path, at_init: dict, curves: dict, exploding: dict) -> Path:
    """Three panels: gradient norm per layer at init, training loss, and the exploding case."""
    plt = pyplot()
    fig, (norm_ax, loss_ax, boom_ax) = plt.subplots(1, 3, figsize=(17, 5.2))
    for name, norms in at_init.items():
        style = ":" if "exploding" in name else ("--" if "naive" in name else "-")
        norm_ax.plot(range(1, len(norms) + 1), norms, style, marker=".", label=name)
    norm_ax.set(title="At initialisation: sigmoid's gradient fades\nlayer by layer on its way back",
                xlabel="layer (1 = input side)", ylabel="|d loss / d layer output| (log scale)",
                yscale="log")
    for name, loss in curves.items():
        loss_ax.plot(range(1, len(loss) + 1), loss, "--" if "naive" in name else "-", label=name)
    loss_ax.set(title="Training: where the gradient vanished,\nthe loss hardly moves",
                xlabel="SGD step", ylabel="binary cross-entropy")
    for name, run in exploding.items():
        norms = [x if math.isfinite(x) else float("nan") for x in run["grad norm"]]
        boom_ax.plot(range(1, len(norms) + 1), norms, label=f"{name}: gradient norm")
    wild, tamed = exploding["no clipping"], exploding["clip_grad_norm(1.0)"]
    peak = max(wild["grad norm"])
    boom_ax.set(title=f"Exploding (relu, U(-{SCALE:g},{SCALE:g})): calm at init (left), the "
                      f"gradient\nreaches {peak:.3g} while training; final loss "
                      f"{wild['loss'][-1]:.2f} unclipped, {tamed['loss'][-1]:.2f} clipped",
                xlabel="SGD step", ylabel="gradient norm before clipping (log scale)",
                yscale="log")
    for ax in (norm_ax, loss_ax, boom_ax):
        ax.grid(alpha=0.3)
        whole_ticks(ax)
    norm_ax.legend(fontsize=8.5, loc="lower right")
    loss_ax.legend(fontsize=8.5, loc="upper right")
    boom_ax.legend(fontsize=8.5, loc="upper right")
    return save_figure(fig, path)


if __name__ == "__main__":
    main()
