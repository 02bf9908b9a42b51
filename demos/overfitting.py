"""Overfitting, and three ways to fight it: an L2 penalty, dropout and early stopping.

    python demos/overfitting.py [--quick] [--seed N] [--out DIR]

A 337-parameter MLP learns 30 noisy two-moons points: it can memorise them, and its test loss
(on 200 fresh points) climbs while the training loss falls. The figure puts the train and test
curves of four runs side by side; then 3-fold cross-validation on the training points alone picks
the L2 strength from a grid, and prints the search's table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `common`, when run as a script

from common import parse_args, progress, pyplot, save_figure

import nn
from autograd import no_grad

L2_GRID = [0.0, 1e-3, 1e-2, 3e-2]


def make_model(seed: int, dropout: float = 0.0) -> nn.MLP:
    return nn.MLP(2, [16, 16, 1], activation="relu", init="he", rng=seed, dropout=dropout)


def loss_on(model: nn.MLP, points: list, labels: list[int]) -> float:
    """Binary cross-entropy in eval mode (no dropout), no graph."""
    model.eval()
    with no_grad():
        value = nn.bce_with_logits([model(p)[0] for p in points], labels).data
    model.train()
    return value


def fit(model: nn.MLP, points: list, labels: list[int], epochs: int, l2: float = 0.0,
        every: int = 1, test: tuple | None = None, stopper: nn.EarlyStopping | None = None,
        val: tuple | None = None, bar=None) -> dict[str, list[float]]:
    """Full-batch Adam; the train (and test) loss every `every` epochs; stops if `stopper` says."""
    optimizer = nn.Adam(model.parameters(), lr=0.01)
    history: dict[str, list[float]] = {"epoch": [], "train": [], "test": []}
    for epoch in range(1, epochs + 1):
        loss = nn.bce_with_logits([model(p)[0] for p in points], labels)
        if l2:
            loss = loss + nn.l2_penalty(model.parameters(), l2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if bar is not None:
            bar.update()
        if epoch % every == 0 or epoch == epochs:
            history["epoch"].append(epoch)
            history["train"].append(loss_on(model, points, labels))
            if test is not None:
                history["test"].append(loss_on(model, *test))
            if stopper is not None and stopper.step(loss_on(model, *val), model):
                stopper.restore(model)  # back to the best validation loss
                if test is not None:
                    history["restored test"] = [loss_on(model, *test)]
                break
    return history


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("overfitting", "Overfitting, L2, dropout, early stopping, k-fold CV.", argv)
    started = time.perf_counter()
    epochs, every, cv_epochs = (6, 2, 3) if args.quick else (200, 10, 100)
    x_train, y_train = nn.make_moons(30, noise=0.3, rng=args.seed)
    x_test, y_test = nn.make_moons(60 if args.quick else 200, noise=0.3, rng=args.seed + 1)
    test = (x_test, y_test)
    cut = len(x_train) * 3 // 4  # early stopping validates on a quarter of the training points
    folds = nn.k_fold(len(x_train), 3, rng=args.seed)

    runs: dict[str, dict] = {}
    total = 4 * epochs + len(L2_GRID) * len(folds) * cv_epochs
    with progress(total, "overfitting") as bar:
        runs["no regularisation"] = fit(make_model(args.seed), x_train, y_train, epochs,
                                        every=every, test=test, bar=bar)
        runs["L2 1e-2"] = fit(make_model(args.seed), x_train, y_train, epochs, l2=1e-2,
                              every=every, test=test, bar=bar)
        runs["dropout 0.3"] = fit(make_model(args.seed, dropout=0.3), x_train, y_train, epochs,
                                  every=every, test=test, bar=bar)
        stopper = nn.EarlyStopping(patience=3)
        runs["early stopping"] = fit(
            make_model(args.seed), x_train[:cut], y_train[:cut], epochs, every=every,
            test=test, stopper=stopper, val=(x_train[cut:], y_train[cut:]), bar=bar)
        bar.update(epochs - runs["early stopping"]["epoch"][-1])

        def cv_loss(l2: float) -> float:
            """Mean validation loss over the folds for this L2 strength."""
            losses = []
            for train_idx, val_idx in folds:
                model = make_model(args.seed)
                fit(model, [x_train[i] for i in train_idx], [y_train[i] for i in train_idx],
                    cv_epochs, l2=l2, every=cv_epochs, bar=bar)
                losses.append(loss_on(model, [x_train[i] for i in val_idx],
                                      [y_train[i] for i in val_idx]))
            return sum(losses) / len(losses)

        table = nn.grid_search(cv_loss, {"l2": L2_GRID})
    best_l2 = table[0]["l2"]

    out = args.out
    plot(out / "overfitting.png", runs, stopper)
    seconds = time.perf_counter() - started
    print("3-fold cross-validation over the L2 strength (mean validation loss, best first):")
    print(nn.format_table(table))
    final = {name: run.get("restored test", run["test"])[-1] for name, run in runs.items()}
    print("final test loss: " + ", ".join(f"{name} {v:.3f}" for name, v in final.items())
          + f"; cross-validation picks l2 = {best_l2:g} ({seconds:.1f}s)")
    print(f"wrote overfitting.png to {out}/")
    return {"runs": runs, "final_test_loss": final, "table": table, "best_l2": best_l2,
            "stopped_at": runs["early stopping"]["epoch"][-1], "best_step": stopper.best_step,
            "seconds": seconds, "out": out}


def plot(path: Path, runs: dict, stopper: nn.EarlyStopping) -> Path:
    """Train (dashed) and test (solid) loss of every run in one figure, the stop marked."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 5.6))
    colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"]
    for color, (name, run) in zip(colors, runs.items()):
        ax.plot(run["epoch"], run["train"], "--", color=color, lw=1, label=f"{name}: train")
        ax.plot(run["epoch"], run["test"], "-", color=color, lw=2, label=f"{name}: test")
    stop = runs["early stopping"]["epoch"]
    ax.axvline(stop[stopper.best_step], color=colors[3], ls=":", lw=1,
               label="early stopping: best validation loss")
    plain = runs["no regularisation"]
    ax.set(title=f"Unregularised, training loss falls to {plain['train'][-1]:.2f} while the test "
                 f"loss rises to {plain['test'][-1]:.2f}:\nL2, dropout and early stopping keep "
                 f"the test loss down (train dashed, test solid)",
           xlabel="epoch", ylabel="binary cross-entropy (log scale)", yscale="log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    return save_figure(fig, path)


if __name__ == "__main__":
    main()
