"""The Playground's Python side: an `nn.MLP` trained on a toy data set, step by step, rewindable.

Everything is seeded: the data set, the split, the weights and the batch order all come from
`seed`, so `rewind()` (a fresh model and optimizer from the same seed, on the same points)
replays the same run bit for bit. Steps run through `autograd.compile` (one program per batch
shape: a shorter last batch, or a batch after the learner added points, is traced once more),
or on the dynamic engine if compile refuses the model.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import autograd
import nn
from autograd import Value, no_grad
from stepgrad_play import tutor

DATASETS = {
    "moons": lambda n, noise, seed: nn.make_moons(n, noise=noise, rng=seed),
    "circles": lambda n, noise, seed: nn.make_circles(n, noise=noise, rng=seed),
    "spirals": lambda n, noise, seed: nn.make_spirals(n, classes=2, noise=noise * 2, rng=seed),
    "xor": lambda n, noise, seed: nn.make_xor(n, noise=noise * 2, rng=seed),
}
LOSSES = {"bce": "binary cross-entropy (logistic)", "hinge": "hinge (max margin)",
          "mse": "mean squared error"}
OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULTS = {"dataset": "moons", "noise": 0.1, "points": 200, "seed": 0, "hidden": [8, 8],
            "activation": "relu", "loss": "bce", "optimizer": "adam", "lr": 0.03, "l2": 0.0,
            "batch": 16, "compile": True}
DATA_SETTINGS = ("dataset", "noise", "points", "seed")
VIEW = 2.5  # the plane shown is [-VIEW, VIEW]^2, in standardized coordinates
MAX_WIDTH, MAX_LAYERS, MAX_SAMPLE_NODES = 32, 4, 700


def _config(asked: dict[str, Any]) -> dict[str, Any]:
    """The settings, each checked: a clear ValueError names the one that is wrong."""
    c = {**DEFAULTS, **asked}
    if c["dataset"] not in DATASETS:
        raise ValueError(f"unknown data set {c['dataset']!r}; known: {', '.join(DATASETS)}")
    hidden = c["hidden"]
    if isinstance(hidden, str):
        try:
            hidden = [int(w) for w in hidden.replace(" ", "").split(",") if w]
        except ValueError:
            raise ValueError(f"layers: {c['hidden']!r} is not a list of widths such as 8,8"
                             ) from None
    if len(hidden) > MAX_LAYERS or any(not 1 <= w <= MAX_WIDTH for w in hidden):
        raise ValueError(f"layers: at most {MAX_LAYERS} hidden layers of 1 to {MAX_WIDTH} "
                         f"neurons each, got {hidden}")
    c["hidden"] = hidden
    if c["activation"] not in nn.ACTIVATIONS or c["activation"] == "linear":
        raise ValueError(f"unknown activation {c['activation']!r}")
    if c["loss"] not in LOSSES or c["optimizer"] not in OPTIMIZERS:
        raise ValueError(f"unknown loss {c['loss']!r} or optimizer {c['optimizer']!r}")
    for key, low, high in (("lr", 0.0, 10.0), ("l2", -1.0, 1.0), ("noise", -1.0, 1.0)):
        x = c[key]
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not low < x <= high:
            raise ValueError(f"{key} must be a number in ({low:g}, {high:g}], got {x!r}")
    for key, high in (("batch", 512), ("points", 1000), ("seed", 2**31)):
        if isinstance(c[key], bool) or not isinstance(c[key], int) or not 0 <= c[key] <= high:
            raise ValueError(f"{key} must be a whole number from 0 to {high}, got {c[key]!r}")
    if c["batch"] < 1 or c["points"] < 8:
        raise ValueError("batch must be at least 1 and points at least 8")
    return c


class Playground:
    """A data set, a model, an optimizer and the run so far; every answer is JSON-ready."""

    def __init__(self, asked: dict[str, Any], before: Playground | None = None) -> None:
        c = self.config = _config(asked)
        if before is not None and all(before.config[k] == c[k] for k in DATA_SETTINGS):
            self.train_set, self.test = before.train_set, before.test  # the learner's points stay
            self.rewind()
            return
        points, labels = DATASETS[c["dataset"]](c["points"], c["noise"], c["seed"])
        x_train, y_train, x_test, y_test = nn.train_test_split(points, labels, 0.25,
                                                               rng=c["seed"])
        scale = nn.Standardizer(x_train)
        self.train_set = [[*p, y] for p, y in zip(scale(x_train), y_train)]
        self.test = [[*p, y] for p, y in zip(scale(x_test), y_test)]
        self.rewind()

    def rewind(self) -> None:
        """Back to step 0: weights, optimizer and batch order from the seed, points as they are."""
        c = self.config
        init = "he" if c["activation"] in ("relu", "leaky_relu") else "xavier"
        self.model = nn.MLP(2, [*c["hidden"], 1], c["activation"], init=init, rng=c["seed"])
        params = self.model.parameters()
        self.optimizer = (nn.Adam(params, lr=c["lr"]) if c["optimizer"] == "adam" else
                          nn.SGD(params, lr=c["lr"],
                                 momentum=0.9 if c["optimizer"] == "momentum" else 0.0))
        self.batch_rng = random.Random(c["seed"])
        self.queue: list[list[int]] = []
        self.steps, self.history = 0, []
        self.compiled: Any = None
        self.engine = "compiled" if c["compile"] else "dynamic"

    # -- training ---------------------------------------------------------------------------

    def targets(self, labels: list[int]) -> list[float]:
        return [2.0 * y - 1.0 if self.config["loss"] == "hinge" else float(y) for y in labels]

    def data_loss(self, outs: list[Value], targets: list[float]) -> Value:
        kind = self.config["loss"]
        return (nn.bce_with_logits(outs, targets) if kind == "bce" else
                nn.hinge(outs, targets) if kind == "hinge" else nn.mse(outs, targets))

    def loss_of(self, points: list[list[float]], targets: list[float]) -> Value:
        """The batch's loss (plus the L2 penalty): what each step differentiates."""
        loss = self.data_loss([self.model(p)[0] for p in points], targets)
        if self.config["l2"] > 0:
            loss = loss + nn.l2_penalty(self.model.parameters(), self.config["l2"])
        return loss

    def _batch(self) -> list[int]:
        if not self.queue:  # a new epoch over the training set as it is now
            self.queue = nn.batches(len(self.train_set), self.config["batch"],
                                    self.batch_rng)[::-1]
        return self.queue.pop()

    def _forward_backward(self, points: list[list[float]], targets: list[float]) -> float:
        if self.engine == "compiled":
            try:
                if self.compiled is None:
                    self.compiled = autograd.compile(self.loss_of, points, targets)
                return self.compiled(points, targets)
            except (TypeError, NotImplementedError, RuntimeError) as error:
                self.engine = f"dynamic (compile refused: {error})"
                self.model.zero_grad()
        loss = self.loss_of(points, targets)
        loss.backward()
        return loss.data

    def train(self, count: int = 1) -> str | None:
        """`count` optimizer steps; at the first that fails or diverges, stop and say why."""
        for _ in range(count):
            batch = [self.train_set[i] for i in self._batch()]
            self.optimizer.zero_grad()
            try:
                loss = self._forward_backward([row[:2] for row in batch],
                                              self.targets([row[2] for row in batch]))
                if not math.isfinite(loss):
                    raise ArithmeticError(f"the loss is {loss!r}")
                self.optimizer.step()
            except (ArithmeticError, ValueError) as error:
                return (f"training diverged at step {self.steps + 1}: {error}. Lower the "
                        f"learning rate and rewind.")
            self.steps += 1
        return None

    def step(self, count: int = 1) -> dict[str, Any]:
        """`train(count)`, then where the run is (losses and accuracies), with any error."""
        error = self.train(count)
        return self.status() if error is None else {**self.status(), "error": error}

    # -- reading the model ------------------------------------------------------------------

    def outputs(self, points: list[list[float]]) -> list[float]:
        with no_grad():
            return [self.model(p)[0].data for p in points]

    def predict(self, out: float) -> int:
        return int(out > (0.5 if self.config["loss"] == "mse" else 0.0))

    def score(self, rows: list[list[float]]) -> tuple[float, float]:
        """(loss without L2, accuracy) on a set of points, nothing recorded."""
        if not rows:
            return math.nan, math.nan
        outs = self.outputs([r[:2] for r in rows])
        targets = self.targets([int(r[2]) for r in rows])
        with no_grad():
            loss = self.data_loss([Value(o) for o in outs], targets)
        hits = sum(self.predict(o) == int(r[2]) for o, r in zip(outs, rows))
        return loss.data, hits / len(rows)

    def status(self) -> dict[str, Any]:
        train_loss, train_acc = self.score(self.train_set)
        test_loss, test_acc = self.score(self.test)
        self.history.append([self.steps, _finite(train_loss), _finite(test_loss)])
        return {"ok": True, "steps": self.steps, "loss": _finite(train_loss),
                "train_accuracy": train_acc, "test_accuracy": test_acc,
                "history": self.history, "engine": self.engine,
                "traces": self.compiled.traces if self.compiled is not None else 0}

    def boundary(self, resolution: int) -> list[float]:
        """The model's class-1 score in [0, 1] at the centre of each cell, rows top to bottom."""
        cells = [[-VIEW + (i + 0.5) * 2 * VIEW / resolution,
                  VIEW - (j + 0.5) * 2 * VIEW / resolution]
                 for j in range(resolution) for i in range(resolution)]
        kind = self.config["loss"]
        shown = []
        for out in self.outputs(cells):
            if kind == "bce":  # the probability the model gives class 1
                shown.append(1 / (1 + math.exp(-out)) if out > -700 else 0.0)
            else:
                centre = out if kind == "mse" else (out + 1) / 2
                shown.append(min(1.0, max(0.0, centre)))
        return shown

    def points(self) -> dict[str, list]:
        return {"train": self.train_set, "test": self.test}

    def layers(self) -> list[int]:
        return [2] + [len(layer.neurons) for layer in self.model.layers]

    def neuron(self, layer: int, index: int) -> dict[str, Any]:
        """Neuron `index` of layer `layer` (0 = first hidden): weights, gradients, dead or not."""
        n = self.model.layers[layer].neurons[index]
        relu = self.config["activation"] == "relu" and layer < len(self.model.layers) - 1
        active = None
        if relu:  # dead: its input sum is <= 0 on every training point, so relu passes nothing
            with no_grad():
                active = 0
                for row in self.train_set:
                    x: list = row[:2]
                    for below in self.model.layers[:layer]:
                        x = [m(x) for m in below.neurons]
                    active += (sum(w * xi for w, xi in zip(n.w, x)) + n.b).data > 0
        return {"layer": layer, "index": index, "weights": [w.data for w in n.w],
                "grads": [w.grad for w in n.w], "bias": n.b.data, "bias_grad": n.b.grad,
                "activation": n.activation, "active_on": active, "points": len(self.train_set),
                "dead": active == 0 if relu else None}

    def sample(self, index: int) -> dict[str, Any]:
        """One training point's loss graph, on a copy of the model, for the Tutor's stepper."""
        if not 0 <= index < len(self.train_set):
            raise ValueError(f"sample: choose a point from 0 to {len(self.train_set) - 1}")
        copy = nn.MLP(2, [*self.config["hidden"], 1], self.config["activation"])
        copy.load_state_dict(self.model.state_dict())
        x0, x1, y = self.train_set[index]
        leaves = {"x0": Value(x0, "x0"), "x1": Value(x1, "x1")}
        loss = self.data_loss([copy(list(leaves.values()))[0]], self.targets([int(y)]))
        loss.label = "loss"
        size = len(autograd.topological_order(loss))
        if size > MAX_SAMPLE_NODES:
            raise ValueError(f"this network's graph for one point has {size} nodes, too many to "
                             f"draw (at most {MAX_SAMPLE_NODES}): try layers 4 or 3,3")
        run = tutor.keep("sample", loss, leaves)
        return {"ok": True, "steps": run.steps, "nodes": size, "point": [x0, x1, int(y)]}

    # -- the learner's own points -----------------------------------------------------------

    def add(self, x: float, y: float, label: int) -> None:
        """A training point of class `label` at (x, y): it joins from the next epoch on."""
        if label not in (0, 1) or not (abs(x) <= VIEW and abs(y) <= VIEW):
            raise ValueError("a point must be of class 0 or 1, inside the plane")
        self.train_set.append([float(x), float(y), label])

    def delete(self, x: float, y: float) -> bool:
        """Remove the point (training or test) nearest to (x, y), if one is within 0.2."""
        best = None
        for rows in (self.train_set, self.test):
            for i, r in enumerate(rows):
                d = (r[0] - x) ** 2 + (r[1] - y) ** 2
                if d < 0.04 and (best is None or d < best[0]):
                    best = (d, rows, i)
        if best is None or (best[1] is self.train_set and len(self.train_set) <= 2):
            return False
        del best[1][best[2]]
        self.queue = []  # batch indexes refer to the old list: start a new epoch
        return True


def _finite(x: float) -> float | None:
    """JSON has no inf or nan: a diverged loss is sent as null."""
    return x if math.isfinite(x) else None


_playground: Playground | None = None


def call(request: str) -> str:
    """The page's one entry point: `{"do": action, ...}` in, JSON out; a refusal is an error."""
    global _playground
    asked = json.loads(request)
    action = asked.pop("do")
    try:
        if action == "configure":
            _playground = Playground(asked, _playground)
            return json.dumps({**_playground.status(), "points": _playground.points(),
                               "layers": _playground.layers(), "config": _playground.config})
        p = _require()
        if action == "rewind":
            p.rewind()
            return json.dumps({**p.status(), "layers": p.layers()})
        if action == "step":
            return json.dumps(p.step(int(asked.get("count", 1))))
        if action == "boundary":
            return json.dumps(p.boundary(int(asked.get("resolution", 40))))
        if action == "neuron":
            return json.dumps({"ok": True, **p.neuron(int(asked["layer"]), int(asked["index"]))})
        if action == "sample":
            return json.dumps(p.sample(int(asked["index"])))
        if action == "add":
            p.add(float(asked["x"]), float(asked["y"]), int(asked["label"]))
            return json.dumps({"ok": True, "points": p.points()})
        if action == "delete":
            return json.dumps({"ok": p.delete(float(asked["x"]), float(asked["y"])),
                               "points": p.points()})
        raise ValueError(f"unknown action {action!r}")
    except (ValueError, TypeError, IndexError, KeyError, ArithmeticError) as error:
        return json.dumps({"ok": False, "error": str(error)})


def _require() -> Playground:
    if _playground is None:
        raise ValueError("configure the playground first")
    return _playground
