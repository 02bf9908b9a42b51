"""Model selection: k-fold splits, early stopping on a validation loss, and grid / random search.

Small on purpose: each is a few lines a learner can read, and each takes a seeded
`random.Random` (or an int seed) rather than the global one.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence

from nn.module import Module, as_rng, check_count, check_number


def k_fold(n: int, k: int, rng: random.Random | int | None = None
           ) -> list[tuple[list[int], list[int]]]:
    """`k` (train, validation) index splits of range(n): each index is validated exactly once.

    The indices are shuffled with `rng`, then cut into k folds whose sizes differ by at most one
    (the first n % k folds are one larger, as scikit-learn's KFold).
    """
    check_count(n, "n", "k_fold")
    check_count(k, "k", "k_fold")
    if not 2 <= k <= n:
        raise ValueError(f"k_fold: k must be in 2..n (n = {n}), got {k}")
    order = list(range(n))
    as_rng(rng, "k_fold").shuffle(order)
    splits, start = [], 0
    for fold in range(k):
        size = n // k + (1 if fold < n % k else 0)
        held = order[start:start + size]
        splits.append((order[:start] + order[start + size:], held))
        start += size
    return splits


class EarlyStopping:
    """Stop training once the validation loss has not improved for `patience` checks.

    `stopper.step(loss, model)` returns True when it is time to stop; an improvement is a loss
    below the best by more than `min_delta`. Given a model, it keeps a copy of its parameters at
    the best loss, and `restore(model)` puts them back (as Keras' restore_best_weights).
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0) -> None:
        self.patience = check_count(patience, "patience", "EarlyStopping")
        self.min_delta = check_number(min_delta, "min_delta", "EarlyStopping", 0.0)
        self.best = math.inf
        self.best_step = -1  # which check gave the best loss (0-based)
        self.steps = 0
        self.best_state: dict[str, float] | None = None

    @property
    def bad_steps(self) -> int:
        """Checks since the best one."""
        return self.steps - 1 - self.best_step

    def step(self, loss: float, model: Module | None = None) -> bool:
        """Record one validation loss; True if training should stop now."""
        loss = check_number(loss, "loss", "EarlyStopping.step")
        if model is not None and not isinstance(model, Module):
            raise TypeError(f"EarlyStopping.step: model must be a Module, "
                            f"got {type(model).__name__}")
        if loss < self.best - self.min_delta:  # NaN never improves
            self.best, self.best_step = loss, self.steps
            if model is not None:
                self.best_state = model.state_dict()
        self.steps += 1
        return self.bad_steps >= self.patience

    def restore(self, model: Module) -> None:
        """Load the parameters saved at the best loss into `model`."""
        if self.best_state is None:
            raise ValueError("EarlyStopping.restore: no model was saved (pass it to step())")
        model.load_state_dict(self.best_state)


Row = dict[str, float]


def _check_space(space: object, where: str) -> dict[str, Sequence]:
    if not isinstance(space, Mapping) or not space:
        raise TypeError(f"{where}: expected a non-empty dict of hyperparameter name -> values")
    for name, values in space.items():
        if not isinstance(name, str):
            raise TypeError(f"{where}: hyperparameter names must be str, got {name!r}")
        if name == "score":  # each row's "score" is the result: a parameter cannot share it
            raise ValueError(f"{where}: 'score' names each row's result; rename that "
                             "hyperparameter")
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise TypeError(f"{where}: {name} needs a non-empty list of values, got {values!r}")
    return dict(space)


def _run(score: Callable[..., float], settings: list[dict], where: str) -> list[Row]:
    rows = []
    for params in settings:
        value = check_number(score(**params), "the score", f"{where} (at {params})")
        rows.append({**params, "score": value})
    return sorted(rows, key=lambda row: (math.isnan(row["score"]), row["score"]))


def grid_search(score: Callable[..., float], space: Mapping[str, Sequence]) -> list[Row]:
    """Call `score(**params)` (lower is better, e.g. a validation loss) at every combination.

    `space` maps each hyperparameter to its values: {"lr": [0.01, 0.1], "l2": [0, 1e-3]}.
    Returns one row per combination, {**params, "score": s}, best first (ties in grid order).
    """
    space = _check_space(space, "grid_search")
    names = list(space)
    settings = [dict(zip(names, combo)) for combo in itertools.product(*space.values())]
    return _run(score, settings, "grid_search")


def random_search(score: Callable[..., float], space: Mapping[str, Sequence], n: int,
                  rng: random.Random | int | None = None) -> list[Row]:
    """Like grid_search, at `n` settings each drawn uniformly from the values given per name."""
    space = _check_space(space, "random_search")
    check_count(n, "n", "random_search")
    rng = as_rng(rng, "random_search")
    settings = [{name: rng.choice(list(values)) for name, values in space.items()}
                for _ in range(n)]
    return _run(score, settings, "random_search")


def format_table(rows: Sequence[Row]) -> str:
    """The rows of a search as an aligned text table, one line per row, header first."""
    if not rows:
        return "(no results)"
    names = list(rows[0])
    cells = [[f"{row[name]:.4g}" if isinstance(row[name], float) else str(row[name])
              for name in names] for row in rows]
    widths = [max(len(name), *(len(line[i]) for line in cells)) for i, name in enumerate(names)]
    lines = ["  ".join(name.rjust(w) for name, w in zip(names, widths))]
    lines += ["  ".join(cell.rjust(w) for cell, w in zip(line, widths)) for line in cells]
    return "\n".join(lines)
