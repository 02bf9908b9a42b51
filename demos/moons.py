"""Train an MLP to separate two moons: forward, loss, backward, step, and a held-out test set.

    python demos/moons.py [--quick] [--seed N] [--out DIR] [--compile]

Writes a decision-boundary PNG, a loss-curve PNG, an SVG of one neuron's graph with its
gradients, and the trained weights (JSON) into the output folder, and names it at the end.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `common`, when run as a script

import common
from common import (
    batch_count,
    class_scores,
    parse_args,
    plot_boundary,
    plot_curves,
    progress,
    training_step,
    write_graph_svg,
)

import nn
from autograd import Value


def predict(out: list[Value]) -> int:
    """Class 1 where the one logit is positive (sigmoid(z) > 1/2)."""
    return int(out[0].data > 0)


def evaluate(model: nn.MLP, points: list[list[float]], labels: list[int]) -> tuple[float, float]:
    """(binary cross-entropy, accuracy) on a data set."""
    return common.evaluate(model, points, labels, nn.bce_with_logits, predict)


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("moons", "Train an MLP on two moons and draw what it learned.", argv,
                      compiled=True)
    started = time.perf_counter()
    n, epochs = (80, 3) if args.quick else (300, 30)

    # Data: seeded, split before scaling, scaled with the training set's statistics only.
    points, labels = nn.make_moons(n, noise=0.1, rng=args.seed)
    x_train, y_train, x_test, y_test = nn.train_test_split(points, labels, 0.25, rng=args.seed)
    scale = nn.Standardizer(x_train)
    x_train, x_test = scale(x_train), scale(x_test)

    # Model and optimizer: He init suits relu; Adam with a cosine-decaying learning rate.
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="he", rng=args.seed)
    optimizer = nn.Adam(model.parameters(), lr=0.02)
    schedule = nn.CosineLR(optimizer, total=epochs)
    batch_rng = random.Random(args.seed)
    batch_size = 32

    def loss_of(points: list[list[float]], targets: list[float]) -> Value:
        logits = [model(x)[0] for x in points]                            # forward
        loss = nn.bce_with_logits(logits, targets)                        # loss
        return loss + nn.l2_penalty(model.parameters(), 1e-4)             # regularisation

    step = training_step(loss_of, args.compile)  # forward + backward, compiled with --compile
    history: dict[str, list[float]] = {"train loss": [], "test loss": []}
    with progress(epochs * batch_count(len(x_train), batch_size), "moons") as bar:
        for _ in range(epochs):
            for batch in nn.batches(len(x_train), batch_size, batch_rng):
                optimizer.zero_grad()
                loss = step([x_train[i] for i in batch], [y_train[i] for i in batch])
                optimizer.step()                                          # gradient step
                bar.set_postfix(loss=f"{loss:.4f}", lr=f"{optimizer.lr:.4f}")
                bar.update()
            schedule.step()
            # Measured after every epoch; the last epoch's accuracies are the final ones.
            train_loss, train_accuracy = evaluate(model, x_train, y_train)
            test_loss, test_accuracy = evaluate(model, x_test, y_test)
            history["train loss"].append(train_loss)
            history["test loss"].append(test_loss)
    train_seconds = time.perf_counter() - started

    out = args.out
    plot_boundary(out / "decision_boundary.png", class_scores(model, 1), (x_train, y_train),
                  (x_test, y_test),
                  f"One curved boundary separates the two moons\n"
                  f"test accuracy {test_accuracy:.1%} on {len(x_test)} held-out points",
                  ["moon 0", "moon 1"], resolution=40 if args.quick else 150)
    plot_curves(out / "loss.png", history, "epoch", "binary cross-entropy",
                f"Training loss keeps falling; the held-out test loss is what counts\n"
                f"(last epoch: train {train_loss:.3f}, test {test_loss:.3f})", log=True)

    # A small graph worth drawing: one first-layer neuron, on one test point, and its loss.
    neuron = model.layers[0].neurons[0]
    x = [Value(v, label=f"x{i}") for i, v in enumerate(x_test[0])]
    h = neuron(x)
    h.label = "h"  # the neuron's output (a fresh node: the model's own labels are untouched)
    small = nn.bce_with_logits([h], [y_test[0]])
    small.label = "loss"
    model.zero_grad()
    small.backward()
    svg_note = write_graph_svg(small, out / "neuron_graph.svg")
    model.zero_grad()
    model.save(out / "model.json")

    seconds = time.perf_counter() - started
    print(f"train accuracy {train_accuracy:.1%}, test accuracy {test_accuracy:.1%} "
          f"on {len(x_test)} held-out points ({train_seconds:.1f}s training, {seconds:.1f}s total)")
    print(svg_note)
    print(f"wrote decision_boundary.png, loss.png, neuron_graph.svg, model.json to {out}/")
    return {"test_accuracy": test_accuracy, "train_accuracy": train_accuracy,
            "seconds": seconds, "out": out, "history": history}


if __name__ == "__main__":
    main()
