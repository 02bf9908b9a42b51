"""Backpropagation through time: a tiny recurrent network learns to continue sine waves.

    python demos/rnn.py [--quick] [--seed N] [--out DIR]

The same cell (one `nn.Layer`) is applied at every time step, so the graph is the loop unrolled
and `backward()` needs nothing special: the chain rule runs back through every step, and the
gradients of the shared weights add up. The demo also measures how much gradient reaches each
input step: untrained, early steps get little (vanishing gradients). It clips the global norm.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `common`, when run as a script

from common import (
    batch_count,
    parse_args,
    plot_curves,
    progress,
    pyplot,
    save_figure,
    whole_ticks,
)

import nn
from autograd import Value, gradients, no_grad

STEPS = 10  # inputs per sequence


class RNN(nn.Module):
    """h_t = tanh(W [x_t, h_{t-1}] + b); the prediction is a linear read-out of the last h."""

    def __init__(self, hidden: int, rng: random.Random) -> None:
        self.cell = nn.Layer(1 + hidden, hidden, activation="tanh", init="xavier", rng=rng)
        self.head = nn.Layer(hidden, 1, activation="linear", init="xavier", rng=rng)
        self.hidden = hidden
        self.label_parameters()

    def forward(self, sequence: Sequence[Value | float]) -> list[Value]:
        h: list = [0.0] * self.hidden
        for x in sequence:  # the loop is unrolled into the graph, one cell per step
            h = self.cell([x, *h])
        return self.head(h)


def make_waves(n: int, rng: random.Random) -> tuple[list[list[float]], list[float]]:
    """`n` windows of STEPS samples of sin(w t + phase), each with the sample that follows."""
    windows, nexts = [], []
    for _ in range(n):
        w, phase = rng.uniform(0.3, 0.9), rng.uniform(0, 2 * math.pi)
        wave = [math.sin(w * t + phase) for t in range(STEPS + 1)]
        windows.append(wave[:STEPS])
        nexts.append(wave[STEPS])
    return windows, nexts


def mse_of(model: RNN, windows: list[list[float]], nexts: list[float]) -> float:
    with no_grad():
        return nn.mse([model(w)[0] for w in windows], nexts).data


def gradient_per_step(model: RNN, windows: list[list[float]]) -> list[float]:
    """Mean |d prediction / d x_t| over windows, for every input step t: how far back it reaches.

    `gradients` touches no `.grad`, so the model's parameters are left as they were.
    """
    totals = [0.0] * STEPS
    for window in windows:
        xs = [Value(x, label=f"x{t}") for t, x in enumerate(window)]
        _, grads = gradients(model(xs)[0])
        totals = [total + abs(grads[x]) for total, x in zip(totals, xs)]
    return [total / len(windows) for total in totals]


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("rnn", "Train a tiny RNN on sine waves (backprop through time).", argv)
    started = time.perf_counter()
    rng = random.Random(args.seed)
    n_train, n_test, epochs = (40, 20, 2) if args.quick else (240, 80, 15)
    x_train, y_train = make_waves(n_train, rng)
    x_test, y_test = make_waves(n_test, rng)

    model = RNN(hidden=8, rng=rng)
    reach_at_start = gradient_per_step(model, x_test)
    optimizer = nn.Adam(model.parameters(), lr=0.02)
    schedule = nn.CosineLR(optimizer, total=epochs)
    batch_size = 16
    history: dict[str, list[float]] = {"train MSE": [], "test MSE": []}
    largest_norm = 0.0
    with progress(epochs * batch_count(n_train, batch_size), "rnn") as bar:
        for _ in range(epochs):
            for batch in nn.batches(n_train, batch_size, rng):
                loss = nn.mse([model(x_train[i])[0] for i in batch], [y_train[i] for i in batch])
                optimizer.zero_grad()
                loss.backward()  # backpropagation through time: just backward()
                norm = nn.clip_grad_norm(model.parameters(), 1.0)  # guard against explosions
                largest_norm = max(largest_norm, norm)
                optimizer.step()
                bar.set_postfix(mse=f"{loss.data:.5f}", grad_norm=f"{norm:.3f}")
                bar.update()
            schedule.step()
            history["train MSE"].append(mse_of(model, x_train, y_train))
            history["test MSE"].append(mse_of(model, x_test, y_test))

    # Baseline: "the next sample equals the last one". The RNN must do much better than that.
    baseline = sum((w[-1] - y) ** 2 for w, y in zip(x_test, y_test)) / n_test
    test_mse = history["test MSE"][-1]
    reach = gradient_per_step(model, x_test)

    out = args.out
    plot_curves(out / "loss.png", history, "epoch", "mean squared error",
                f"Loss per epoch on the next sample of each wave\n(last epoch: test MSE "
                f"{test_mse:.5f}; repeating the last sample scores {baseline:.5f})", log=True)
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.4))
    with no_grad():
        for k in range(3):
            w, y = x_test[k], y_test[k]
            line = left.plot(range(STEPS), w, marker=".", label=f"test wave {k}: inputs")[0]
            left.scatter([STEPS], [y], color=line.get_color(), marker="o", s=60,
                         facecolors="none", linewidths=1.5)
            left.scatter([STEPS], [model(w)[0].data], color=line.get_color(), marker="x", s=70)
    left.scatter([], [], color="gray", marker="o", facecolors="none", label="true next sample")
    left.scatter([], [], color="gray", marker="x", label="RNN's prediction")
    left.set_title("The prediction (x) lands on the true next sample (o)")
    left.set_xlabel("time step")
    left.set_ylabel("wave value")
    whole_ticks(left)
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=9)
    right.bar([t - 0.2 for t in range(STEPS)], reach_at_start, width=0.4, label="untrained")
    right.bar([t + 0.2 for t in range(STEPS)], reach, width=0.4, label="trained")
    right.legend()
    right.set_title("How much each input step moves the prediction")
    right.set_xlabel("input time step t (the prediction is for step "
                     f"{STEPS})")
    right.set_ylabel("mean |d prediction / d x_t|")
    whole_ticks(right)
    fig.suptitle("A tiny RNN predicting sine waves, and the gradient backprop through time "
                 "sends to each input")
    save_figure(fig, out / "predictions.png")

    seconds = time.perf_counter() - started
    print(f"test MSE {test_mse:.5f} vs {baseline:.5f} for 'repeat the last sample' "
          f"({baseline / test_mse:.0f}x better); largest gradient norm {largest_norm:.2f} "
          f"({seconds:.1f}s)")
    for name, grads in (("untrained", reach_at_start), ("trained", reach)):
        print(f"mean |d prediction/d x_t|, t = 0..{STEPS - 1}, {name:>9}: "
              + " ".join(f"{g:.3f}" for g in grads))
    print(f"wrote loss.png, predictions.png to {out}/")
    return {"test_mse": test_mse, "baseline_mse": baseline, "gradient_per_step": reach,
            "gradient_per_step_untrained": reach_at_start,
            "seconds": seconds, "out": out, "history": history}


if __name__ == "__main__":
    main()
