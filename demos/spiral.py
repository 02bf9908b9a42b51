"""Three interleaved spirals: k-class classification with softmax cross-entropy and Adam.

    python demos/spiral.py [--quick] [--seed N] [--out DIR] [--compile]

Writes the decision regions and the loss curves as PNGs into the output folder.
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
)

import nn
from autograd import Value

CLASSES = 3


def predict(scores: list[Value]) -> int:
    """The class with the largest score (softmax is monotonic, so no need to compute it)."""
    return max(range(len(scores)), key=lambda k: scores[k].data)


def evaluate(model: nn.MLP, points: list[list[float]], labels: list[int]) -> tuple[float, float]:
    """(softmax cross-entropy, accuracy) on a data set."""
    return common.evaluate(model, points, labels, nn.softmax_cross_entropy, predict)


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("spiral", "Classify three spirals with softmax cross-entropy.", argv,
                      compiled=True)
    started = time.perf_counter()
    n, epochs = (60, 2) if args.quick else (300, 40)

    points, labels = nn.make_spirals(n, classes=CLASSES, noise=0.1, rng=args.seed)
    x_train, y_train, x_test, y_test = nn.train_test_split(points, labels, 0.25, rng=args.seed)
    scale = nn.Standardizer(x_train)
    x_train, x_test = scale(x_train), scale(x_test)

    # Three scores per point; softmax turns them into probabilities inside the loss.
    model = nn.MLP(2, [24, 24, CLASSES], activation="relu", init="he", rng=args.seed)
    optimizer = nn.Adam(model.parameters(), lr=0.02)
    schedule = nn.CosineLR(optimizer, total=epochs)
    batch_rng = random.Random(args.seed)

    history: dict[str, list[float]] = {"train loss": [], "test loss": []}
    batch_size = 32

    def loss_of(points: list[list[float]], one_hot: list[list[float]]) -> Value:
        return nn.softmax_cross_entropy([model(x) for x in points], one_hot)

    step = training_step(loss_of, args.compile)  # forward + backward, compiled with --compile
    with progress(epochs * batch_count(len(x_train), batch_size), "spiral") as bar:
        for _ in range(epochs):
            for batch in nn.batches(len(x_train), batch_size, batch_rng):
                # Labels as one-hot rows: numbers a compiled step takes as inputs.
                one_hot = [[float(k == y_train[i]) for k in range(CLASSES)] for i in batch]
                optimizer.zero_grad()
                loss = step([x_train[i] for i in batch], one_hot)
                optimizer.step()
                bar.set_postfix(loss=f"{loss:.4f}")
                bar.update()
            schedule.step()
            history["train loss"].append(evaluate(model, x_train, y_train)[0])
            test_loss, test_accuracy = evaluate(model, x_test, y_test)  # the last epoch's is final
            history["test loss"].append(test_loss)

    out = args.out
    plot_boundary(out / "decision_boundary.png", class_scores(model, CLASSES),
                  (x_train, y_train), (x_test, y_test),
                  f"An MLP curls its boundaries along {CLASSES} spirals\n"
                  f"test accuracy {test_accuracy:.1%} on {len(x_test)} held-out points",
                  [f"arm {c}" for c in range(CLASSES)], resolution=40 if args.quick else 150)
    plot_curves(out / "loss.png", history, "epoch", "softmax cross-entropy",
                f"Training loss keeps falling; the held-out test loss is what counts\n"
                f"(last epoch: train {history['train loss'][-1]:.3f}, test {test_loss:.3f})",
                log=True)

    seconds = time.perf_counter() - started
    print(f"test accuracy {test_accuracy:.1%} on {len(x_test)} held-out points ({seconds:.1f}s)")
    print(f"wrote decision_boundary.png, loss.png to {out}/")
    return {"test_accuracy": test_accuracy, "seconds": seconds, "out": out, "history": history}


if __name__ == "__main__":
    main()
