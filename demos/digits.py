"""A small convolutional network learns to read handwritten digits, one scalar Value at a time.

    python demos/digits.py [--quick] [--seed N] [--out DIR] [--dynamic]

The digits are scikit-learn's bundled 8x8 scans (`load_digits`: no download). The net is
Conv2d(1, 8, 3, stride=2, padding=1) -> ReLU -> Flatten -> Layer(128, 10): its eight 3x3 filters
are adjusted by backprop like any other weight (the stride of 2 does a pooling's job, cheaply).
Writes the learned filters, one digit's feature maps, the confusion matrix, the misclassified
test digits and the loss curve, and names the folder. Each training step runs as a program made
by `autograd.compile` (about ten times faster); --dynamic runs it on the dynamic engine instead.
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
    parse_args,
    plot_curves,
    progress,
    pyplot,
    save_figure,
    training_step,
)

import nn
from autograd import Value, no_grad

CHANNELS = 8


def load_digits() -> tuple[list[list[list[list[float]]]], list[int]]:
    """The 1,797 digits as images `[1][8][8]` of raw intensities 0-16, and their labels 0-9."""
    from sklearn.datasets import load_digits as sklearn_digits  # the demos extra, not nn's

    data = sklearn_digits()
    images = [[[[float(v) for v in row] for row in image]] for image in data.images]
    return images, [int(t) for t in data.target]


def standardize(train: list, test: list) -> tuple[list, list]:
    """Shift and scale every pixel by the training images' mean and spread (test never leaks)."""
    pixels = [v for image in train for row in image[0] for v in row]
    mean = sum(pixels) / len(pixels)
    std = (sum((v - mean) ** 2 for v in pixels) / len(pixels)) ** 0.5
    scale = lambda images: [[[[(v - mean) / std for v in row] for row in im[0]]]  # noqa: E731
                            for im in images]
    return scale(train), scale(test)


def make_model(seed: int) -> nn.Sequential:
    """conv 3x3, 8 filters, stride 2 -> relu -> 128 features -> 10 class scores."""
    rng = random.Random(seed)
    return nn.Sequential(
        nn.Conv2d(1, CHANNELS, kernel_size=3, stride=2, padding=1, rng=rng),  # -> [8][4][4]
        nn.ReLU(),
        nn.Flatten(),                                                        # -> 128
        nn.Layer(CHANNELS * 16, 10, activation="linear", init="xavier", rng=rng),
    )


def _dynamic_option(parser) -> None:
    parser.add_argument("--dynamic", action="store_true",
                        help="train on the dynamic engine instead of compiled steps (slower)")


def predict(scores: list[Value]) -> int:
    """The class with the highest score."""
    return max(range(len(scores)), key=lambda k: scores[k].data)


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("digits", "Train a small CNN on 8x8 handwritten digits.", argv,
                      extra=_dynamic_option)
    started = time.perf_counter()
    images, labels = load_digits()
    x_train, y_train, x_test, y_test = nn.train_test_split(images, labels, 0.2, rng=args.seed)
    x_train, x_test = standardize(x_train, x_test)
    epochs = 5
    if args.quick:
        x_train, y_train, x_test, y_test = x_train[:96], y_train[:96], x_test[:48], y_test[:48]
        epochs = 1

    model = make_model(args.seed)
    optimizer = nn.Adam(model.parameters(), lr=0.03)
    steps_per_epoch = batch_count(len(x_train), 16)
    schedule = nn.CosineLR(optimizer, total=epochs * steps_per_epoch)
    batch_rng = random.Random(args.seed)
    history: dict[str, list[float]] = {"train loss (running)": [], "test loss": []}

    def loss_of(images: list, one_hot: list[list[float]]) -> Value:
        return nn.softmax_cross_entropy([model(x) for x in images], one_hot)

    step = training_step(loss_of, not args.dynamic)  # forward + backward, compiled by default
    with progress(epochs * steps_per_epoch, "digits") as bar:
        for _ in range(epochs):
            running = []
            for batch in nn.batches(len(x_train), 16, batch_rng):
                # Labels as one-hot rows: numbers a compiled step takes as inputs.
                one_hot = [[float(k == y_train[i]) for k in range(10)] for i in batch]
                optimizer.zero_grad()
                loss = step([x_train[i] for i in batch], one_hot)         # forward + backward
                optimizer.step()                                             # update
                schedule.step()  # cosine decay per step
                running.append(loss)
                bar.set_postfix(loss=f"{loss:.3f}", lr=f"{optimizer.lr:.4f}")
                bar.update()
            history["train loss (running)"].append(sum(running) / len(running))
            test_loss, test_accuracy = common.evaluate(
                model, x_test, y_test, nn.softmax_cross_entropy, predict)
            history["test loss"].append(test_loss)
    train_seconds = time.perf_counter() - started

    with no_grad():
        predicted = [predict(model(x)) for x in x_test]
    confusion = [[0] * 10 for _ in range(10)]
    for true, guess in zip(y_test, predicted):
        confusion[true][guess] += 1
    wrong = [i for i, (t, p) in enumerate(zip(y_test, predicted)) if t != p]

    out = args.out
    plot_curves(out / "loss.png", history, "epoch", "softmax cross-entropy",
                f"Loss per epoch, while training and on the held-out digits\n(last epoch: test "
                f"loss {history['test loss'][-1]:.3f}, test accuracy {test_accuracy:.1%})",
                log=True)
    plot_filters(out / "filters.png", model.layers[0])
    plot_feature_maps(out / "feature_maps.png", model, x_test[0], y_test[0])
    plot_confusion(out / "confusion.png", confusion, test_accuracy)
    plot_misclassified(out / "misclassified.png", x_test, y_test, predicted, wrong)
    model.save(out / "model.json")

    seconds = time.perf_counter() - started
    print(f"test accuracy {test_accuracy:.1%} on {len(x_test)} held-out digits, "
          f"{len(wrong)} misclassified ({train_seconds:.1f}s training, {seconds:.1f}s total)")
    print(f"wrote loss.png, filters.png, feature_maps.png, confusion.png, misclassified.png, "
          f"model.json to {out}/")
    return {"test_accuracy": test_accuracy, "confusion": confusion, "misclassified": wrong,
            "predicted": predicted, "seconds": seconds, "train_seconds": train_seconds,
            "out": out, "history": history, "n_train": len(x_train), "n_test": len(x_test)}


def _grid(values: list[list], ax, title: str, cmap: str = "gray_r", center: bool = False) -> None:
    """One small image on `ax`, without ticks, titled in a size that fits above it."""
    data = [[v.data if isinstance(v, Value) else v for v in row] for row in values]
    if center:
        bound = max(abs(v) for row in data for v in row) or 1.0
        ax.imshow(data, cmap="RdBu_r", vmin=-bound, vmax=bound)
    else:
        ax.imshow(data, cmap=cmap)
    ax.set_title(title, fontsize=10, loc="center")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_filters(path: Path, conv: nn.Conv2d) -> Path:
    """The learned 3x3 filters: red weights add brightness under them, blue subtract it."""
    plt = pyplot()
    fig, axes = plt.subplots(1, conv.out_channels, figsize=(1.6 * conv.out_channels, 2.5))
    for o, ax in enumerate(axes):
        _grid(conv.kernel(o, 0), ax, f"filter {o}", center=True)
    fig.suptitle("The eight 3x3 filters the first layer learned: each looks for its own small\n"
                 "pattern of ink; red weights reward ink under them, blue ones penalise it")
    return save_figure(fig, path)


def plot_feature_maps(path: Path, model: nn.Sequential, image: list, label: int) -> Path:
    """One digit, then what each filter finds in it (its 4x4 map after relu)."""
    conv, relu = model.layers[0], model.layers[1]
    with no_grad():
        maps = relu(conv(image))
    plt = pyplot()
    n = len(maps)
    fig, axes = plt.subplots(1, n + 1, figsize=(1.6 * (n + 1), 2.6))
    _grid(image[0], axes[0], f"the digit {label}")
    for o in range(n):
        _grid(maps[o], axes[o + 1], f"filter {o}", cmap="viridis")
    fig.suptitle(f"Where each filter fires on one test digit ({label}): relu(conv), 4x4 maps,\n"
                 f"bright = strong response")
    return save_figure(fig, path)


def plot_confusion(path: Path, confusion: list[list[int]], accuracy: float) -> Path:
    """Rows: the true digit; columns: the predicted one. Off the diagonal are the mistakes."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5.6))
    image = ax.imshow(confusion, cmap="Blues")
    for t in range(10):
        for p in range(10):
            if confusion[t][p]:
                ax.text(p, t, str(confusion[t][p]), ha="center", va="center", fontsize=9,
                        color="white" if t == p else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    mistakes = sum(confusion[t][p] for t in range(10) for p in range(10) if t != p)
    right = sum(confusion[t][t] for t in range(10))
    ax.set_title(f"Right answers lie on the diagonal: {right} of them, {mistakes} off it\n"
                 f"(test accuracy {accuracy:.1%})")
    fig.colorbar(image, ax=ax, shrink=0.8, label="test digits")
    return save_figure(fig, path)


def plot_misclassified(path: Path, images: list, labels: list[int], predicted: list[int],
                       wrong: list[int], limit: int = 24) -> Path:
    """Every misclassified test digit (up to `limit`) with its true and predicted label."""
    plt = pyplot()
    shown = wrong[:limit]
    cols = max(1, min(8, len(shown)))
    rows = max(1, -(-len(shown) // cols))
    # Each image 1.5 in wide with its title above it, and room for the figure's title on top.
    fig, axes = plt.subplots(rows, cols, figsize=(1.6 * cols, 2.0 * rows + 0.9), squeeze=False)
    for ax in (a for line in axes for a in line):
        ax.axis("off")
    for k, i in enumerate(shown):
        ax = axes[k // cols][k % cols]
        _grid(images[i][0], ax, f"{labels[i]} read as {predicted[i]}")
        ax.axis("on")
    if not shown:
        axes[0][0].text(0.5, 0.5, "none misclassified", ha="center", va="center")
    more = f", the first {len(shown)} shown" if len(wrong) > len(shown) else ""
    fig.suptitle(f"The {len(wrong)} test digits the CNN gets wrong{more}:\n"
                 f"the true label, then what it read")
    return save_figure(fig, path)


if __name__ == "__main__":
    main()
