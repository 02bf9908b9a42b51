"""Draw the pictures of the tutorials (docs/tutorials/) into docs/images/tutorials/.

    python scripts/tutorial_images.py            # every picture
    python scripts/tutorial_images.py 05 06      # only the pictures of tutorials 5 and 6

Each picture is computed with stepgrad's public API from the same models, data and seeds as the
code on its page, so what it shows is what the page's code computes. Graphs are drawn by
`autograd.viz` to SVG (needs Graphviz's `dot`), curves by matplotlib to PNG, and the player's
screenshot by headless Chromium through Playwright. Everything is seeded: a second run writes
the same pictures.
"""

from __future__ import annotations

import math
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's autograd and nn, when run as a script

import nn  # noqa: E402
from autograd import Value, draw_dot, grad, gradients, no_grad  # noqa: E402
from autograd.viz import to_svg, write_player  # noqa: E402

sys.path.insert(0, str(ROOT / "demos"))
# Tutorial 6's measure is the demo's: |d loss / d outputs of layer k|, mean over the points.
from vanishing import layer_norms as gradient_per_layer  # noqa: E402

OUT = ROOT / "docs" / "images" / "tutorials"
CHROMIUM = "/usr/bin/chromium"
FIGURES: dict[str, Callable[[], None]] = {}


def figure(function: Callable[[], None]) -> Callable[[], None]:
    """Register a picture-drawing function under its name (`tutorial_01_...`)."""
    FIGURES[function.__name__] = function
    return function


# -- helpers ------------------------------------------------------------------------------------

def pyplot():
    """matplotlib.pyplot on the Agg backend, with the house style: small, plain, gridded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.titlesize": 11, "axes.grid": True,
                         "grid.alpha": 0.3, "legend.fontsize": 9, "figure.dpi": 100,
                         "svg.hashsalt": "stepgrad"})
    return plt


def save_png(fig, name: str) -> None:
    """Write a figure as a PNG without the metadata that changes from version to version."""
    fig.tight_layout()
    fig.savefig(OUT / name, dpi=100, metadata={"Software": None})
    pyplot().close(fig)
    print(f"wrote {OUT / name}")


def save_graph(dot, name: str, title: str) -> None:
    """Write a graphviz Digraph as SVG, with `title` on top (what to notice)."""
    dot.attr(label=title, labelloc="t", fontsize="16", fontname="Helvetica")
    (OUT / name).write_text(to_svg(dot))
    print(f"wrote {OUT / name}")


def neuron() -> tuple[Value, dict[str, Value]]:
    """The tanh neuron of tutorials 1-4: o = tanh(x1*w1 + x2*w2 + b) = 1/sqrt(2)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


# -- 1. a neuron's forward pass -----------------------------------------------------------------

@figure
def tutorial_01_neuron_graph() -> None:
    o, _ = neuron()
    save_graph(draw_dot(o, show_grad=False, rankdir="TB"), "01-neuron-graph.svg",
               "the forward pass: read top to bottom")


@figure
def tutorial_01_tanh() -> None:
    plt = pyplot()
    o, v = neuron()
    ns = [-4 + 8 * i / 400 for i in range(401)]
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.plot(ns, [math.tanh(n) for n in ns], color="#1f77b4", label="tanh(n)")
    ax.axhline(1, color="gray", lw=0.8, ls=":")
    ax.axhline(-1, color="gray", lw=0.8, ls=":")
    ax.plot([v["n"].data], [o.data], "o", color="#d62728")
    ax.annotate(f"n = {v['n'].data:.4f}\no = {o.data:.4f}", (v["n"].data, o.data),
                xytext=(1.6, 0.2), arrowprops={"arrowstyle": "->", "color": "#d62728"})
    ax.set(xlabel="n (the weighted sum)", ylabel="o = tanh(n)",
           title="tanh squashes any sum into (-1, 1); our neuron sits at n = 0.8814")
    save_png(fig, "01-tanh.png")


# -- 2. loss functions --------------------------------------------------------------------------

@figure
def tutorial_02_losses() -> None:
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.2))
    ps = [-1 + 4 * i / 200 for i in range(201)]
    left.plot(ps, [nn.mse([p], [1.0]).data for p in ps], color="#1f77b4")
    left.axvline(1.0, color="gray", lw=0.8, ls=":")
    left.set(xlabel="prediction (target 1)", ylabel="loss",
             title="squared error: steep far, flat near")
    zs = [-4 + 8 * i / 200 for i in range(201)]
    right.plot(zs, [nn.bce_with_logits([z], [1]).data for z in zs], color="#1f77b4",
               label="cross-entropy, label 1")
    right.plot(zs, [nn.bce_with_logits([z], [0]).data for z in zs], color="#d62728",
               label="cross-entropy, label 0")
    right.plot(zs, [nn.hinge([z], [1]).data for z in zs], color="#2ca02c", ls="--",
               label="hinge, label +1")
    right.set(xlabel="score (logit)", ylabel="loss",
              title="classification: wrong and sure costs most")
    right.legend()
    save_png(fig, "02-losses.png")


# -- 3. the chain rule --------------------------------------------------------------------------

@figure
def tutorial_03_neuron_backward() -> None:
    o, _ = neuron()
    o.backward()
    save_graph(draw_dot(o, rankdir="TB", edge_labels=True), "03-neuron-backward.svg",
               "after o.backward(): each grad = the grad below × the edge's number")


# -- 4. stepping through backprop ---------------------------------------------------------------

@figure
def tutorial_04_paused_step() -> None:
    o, _ = neuron()
    for step in o.backward_steps():
        if step.index == 3:
            break
    save_graph(draw_dot(o, step=step, rankdir="TB"), "04-paused-step-3.svg",
               "paused after step 3: the leaves still wait")


@figure
def tutorial_04_player() -> None:
    from playwright.sync_api import sync_playwright

    o, _ = neuron()
    with tempfile.TemporaryDirectory() as folder:
        page_path = write_player(o, Path(folder) / "neuron.html", title="one tanh neuron",
                                 rankdir="TB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 900, "height": 900})
            page.goto(page_path.as_uri())
            for _ in range(3):
                page.keyboard.press("ArrowRight")
            page.screenshot(path=str(OUT / "04-player.png"))
            browser.close()
    print(f"wrote {OUT / '04-player.png'}")


# -- 5. gradient descent ------------------------------------------------------------------------

def descend(lr: float, steps: int) -> list[float]:
    """x after each gradient-descent step on (x - 3)^2 from x = 0, x_0 included."""
    x = Value(0.0, "x")
    path = [x.data]
    for _ in range(steps):
        loss = (x - 3) ** 2
        x.grad = 0.0
        loss.backward()
        x.data -= lr * x.grad
        path.append(x.data)
    return path


@figure
def tutorial_05_parabola() -> None:
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.3))
    for lr, color in ((0.01, "#9467bd"), (0.1, "#1f77b4"), (0.5, "#2ca02c"), (0.9, "#ff7f0e")):
        left.plot(descend(lr, 10), marker=".", color=color, label=f"lr {lr}")
    left.axhline(3, color="gray", lw=0.8, ls=":")
    left.set(xlabel="step", ylabel="x", title="x after each step (best x = 3)")
    left.legend(loc="lower right")
    xs = [-7 + 17 * i / 300 for i in range(301)]
    right.plot(xs, [(x - 3) ** 2 for x in xs], color="gray", lw=1)
    for lr, color in ((0.9, "#ff7f0e"), (1.1, "#d62728")):
        path = descend(lr, 6)
        right.plot(path, [(x - 3) ** 2 for x in path], marker="o", ms=4, color=color,
                   label=f"lr {lr}")
    right.set(xlabel="x", ylabel="(x - 3)²", title="too big: zigzag in, or out")
    right.legend(loc="upper center")
    save_png(fig, "05-parabola.png")


def line_data() -> tuple[list[float], list[float]]:
    """Tutorial 5's twenty noisy points near y = 2x + 1."""
    noise = random.Random(0)
    xs = [-1 + 2 * i / 19 for i in range(20)]
    return xs, [2 * x + 1 + noise.gauss(0, 0.1) for x in xs]


def fit_line(xs: list[float], ys: list[float], lr: float,
             steps: int = 30) -> tuple[list[float], nn.Neuron]:
    """Tutorial 5's `fit`: full-batch SGD on the mean squared error; the loss of every step."""
    line = nn.Neuron(1, activation="linear", rng=0)
    optimizer = nn.SGD(line.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.mse([line([x]) for x in xs], ys)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return losses, line


@figure
def tutorial_05_line_fit() -> None:
    plt = pyplot()
    xs, ys = line_data()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.3))
    colors = {0.01: "#9467bd", 0.1: "#1f77b4", 0.5: "#2ca02c", 1.0: "#7f7f7f", 1.2: "#d62728"}
    lines = {}
    for lr, color in colors.items():
        losses, lines[lr] = fit_line(xs, ys, lr)
        left.plot(range(1, len(losses) + 1), losses, color=color, label=f"lr {lr}",
                  ls="--" if lr == 1.0 else "-")
    left.set(xlabel="step", ylabel="training loss (MSE)", yscale="log",
             title="0.5 is fastest; 1.0 never settles; 1.2 blows up")
    left.legend(fontsize=8, ncol=2)
    right.scatter(xs, ys, s=14, color="black", label="data", zorder=3)
    for lr in (0.01, 0.5):
        w, b = lines[lr].w[0].data, lines[lr].b.data
        right.plot([-1, 1], [b - w, b + w], color=colors[lr], label=f"lr {lr}: {w:.2f}x + {b:.2f}")
    right.set(xlabel="x", ylabel="y", title="the lines after 30 steps")
    right.legend(fontsize=8)
    save_png(fig, "05-line-fit.png")


# -- 6. activations and vanishing gradients -----------------------------------------------------

@figure
def tutorial_06_activations() -> None:
    plt = pyplot()
    xs = [-5 + 10 * i / 400 for i in range(401)]
    fig, axes = plt.subplots(1, 3, figsize=(7.2, 2.8), sharey=True)
    for ax, name in zip(axes, ("sigmoid", "tanh", "relu")):
        slope = grad(lambda x, name=name: getattr(x, name)())
        ax.plot(xs, [getattr(Value(x), name)().data for x in xs], color="#1f77b4",
                label=name)
        ax.plot(xs, [slope(x) for x in xs], color="#d62728", ls="--", label="slope")
        ax.set(xlabel="x", ylim=(-1.1, 1.6), title=name)
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("the squashing functions go flat far from 0, and so do their slopes",
                 fontsize=11)
    save_png(fig, "06-activations.png")


@figure
def tutorial_06_layer_gradients() -> None:
    plt = pyplot()
    data, labels = nn.make_moons(16, noise=0.1, rng=0)
    fig, ax = plt.subplots(figsize=(7.2, 4.0))
    colors = {"sigmoid": "#9467bd", "tanh": "#1f77b4", "relu": "#2ca02c"}
    for activation, init in (("sigmoid", "uniform"), ("sigmoid", "xavier"), ("tanh", "uniform"),
                             ("tanh", "xavier"), ("relu", "uniform"), ("relu", "he")):
        model = nn.MLP(2, [8] * 12 + [1], activation=activation, init=init, rng=0)
        norms = gradient_per_layer(model, data, labels)[:12]
        ax.plot(range(1, 13), norms, marker=".", color=colors[activation],
                ls="--" if init == "uniform" else "-",
                label=f"{activation}, {'naive U(-1, 1)' if init == 'uniform' else init}")
    model = nn.MLP(2, [8] * 12 + [1], activation="relu", init="he", rng=0)
    for p in model.parameters():
        if ".w." in p.label:
            p.data *= 2.0
    ax.plot(range(1, 13), gradient_per_layer(model, data, labels)[:12], marker=".",
            color="#d62728", label="relu, he, weights x 2 (exploding)")
    ax.set(xlabel="hidden layer (1 = nearest the input)", ylabel="|d loss / d layer output|",
           yscale="log", xticks=range(1, 13),
           title="gradient reaching each layer: sigmoid's vanishes, doubled weights explode")
    ax.legend(fontsize=8, ncol=2, loc="lower right")
    save_png(fig, "06-layer-gradients.png")


# -- 7. optimizers and schedules ----------------------------------------------------------------

def ravine_path(make_optimizer: Callable, steps: int = 40) -> list[tuple[float, float]]:
    """Tutorial 7's `run` on f = 0.05 x^2 + y^2 from (-8, 2), keeping every position."""
    x, y = Value(-8.0, "x"), Value(2.0, "y")
    optimizer = make_optimizer([x, y])
    path = [(x.data, y.data)]
    for _ in range(steps):
        loss = 0.05 * x * x + y * y
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append((x.data, y.data))
    return path


@figure
def tutorial_07_ravine() -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    gx = [-9 + 11 * i / 200 for i in range(201)]
    gy = [-2.5 + 5 * j / 120 for j in range(121)]
    ax.contour(gx, gy, [[0.05 * x * x + y * y for x in gx] for y in gy],
               levels=[0.05, 0.2, 0.5, 1, 2, 3, 4, 5, 6], colors="#bbbbbb", linewidths=0.8)
    runs = (("SGD, lr 0.9", lambda p: nn.SGD(p, lr=0.9), "#d62728"),
            ("SGD + momentum 0.7, lr 0.3", lambda p: nn.SGD(p, lr=0.3, momentum=0.7),
             "#1f77b4"),
            ("Adam, lr 0.5", lambda p: nn.Adam(p, lr=0.5), "#2ca02c"))
    for label, make, color in runs:
        path = ravine_path(make)
        ax.plot([p[0] for p in path], [p[1] for p in path], marker=".", ms=4, lw=1,
                color=color, label=label)
    ax.plot([0], [0], "k*", ms=10)
    ax.set(xlabel="x", ylabel="y", xlim=(-9, 2), ylim=(-2.5, 2.5),
           title="0.05x² + y² from (-8, 2): SGD zigzags across, the others follow the valley")
    ax.set_aspect("equal")
    ax.legend(loc="lower right", fontsize=8)
    save_png(fig, "07-ravine.png")


@figure
def tutorial_07_schedules() -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    schedules = (("StepLR(step_size=10, gamma=0.5)",
                  lambda o: nn.StepLR(o, step_size=10, gamma=0.5)),
                 ("ExponentialLR(gamma=0.9)", lambda o: nn.ExponentialLR(o, gamma=0.9)),
                 ("CosineLR(total=30)", lambda o: nn.CosineLR(o, total=30)))
    for label, make in schedules:
        optimizer = nn.SGD([Value(0.0)], lr=0.1)
        schedule = make(optimizer)
        rates = [optimizer.lr] + [schedule.step() for _ in range(30)]
        ax.plot(range(31), rates, marker=".", ms=3, label=label)
    ax.set(xlabel="epoch", ylabel="learning rate",
           title="three ways to shrink the learning rate from 0.1")
    ax.legend(fontsize=8)
    save_png(fig, "07-schedules.png")


# -- 8. regularization --------------------------------------------------------------------------

def bce_on(model: nn.Module, points: list, labels: list[int]) -> float:
    """Binary cross-entropy in eval mode (no dropout), recording no graph."""
    model.eval()
    with no_grad():
        loss = nn.bce_with_logits([model(p)[0] for p in points], labels).data
    model.train()
    return loss


def regularized_runs() -> dict[str, dict]:
    """Tutorial 8's three runs of `fit`, with the train and test loss after every epoch."""
    x_train, y_train = nn.make_moons(20, noise=0.3, rng=0)
    x_test, y_test = nn.make_moons(200, noise=0.3, rng=1)
    runs = {}
    for name, l2, dropout in (("no regularization", 0.0, 0.0), ("L2 0.01", 0.01, 0.0),
                              ("dropout 0.3", 0.0, 0.3)):
        model = nn.MLP(2, [12, 12, 1], init="he", rng=0, dropout=dropout)
        optimizer = nn.Adam(model.parameters(), lr=0.05)
        train, test = [], []
        for _ in range(60):
            loss = nn.bce_with_logits([model(p)[0] for p in x_train], y_train)
            if l2:
                loss = loss + nn.l2_penalty(model.parameters(), l2)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            train.append(bce_on(model, x_train, y_train))
            test.append(bce_on(model, x_test, y_test))
        runs[name] = {"model": model, "train": train, "test": test, "data": (x_train, y_train)}
    return runs


@figure
def tutorial_08_overfitting() -> None:
    plt = pyplot()
    runs = regularized_runs()
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    colors = {"no regularization": "#d62728", "L2 0.01": "#1f77b4", "dropout 0.3": "#2ca02c"}
    for name, run in runs.items():
        epochs = range(1, len(run["train"]) + 1)
        ax.plot(epochs, run["train"], "--", color=colors[name], lw=1, label=f"{name}: train")
        ax.plot(epochs, run["test"], "-", color=colors[name], lw=2, label=f"{name}: test")
    ax.set(xlabel="epoch", ylabel="binary cross-entropy",
           title="20 noisy points: unregularized, train falls and test rises")
    ax.legend(fontsize=8, ncol=3, loc="lower left")
    save_png(fig, "08-overfitting.png")

    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.2))
    xs = [-2 + 5 * i / 100 for i in range(101)]
    ys = [-1.8 + 3.8 * j / 100 for j in range(101)]
    for ax, name in zip(axes, ("no regularization", "L2 0.01")):
        model = runs[name]["model"]
        x_train, y_train = runs[name]["data"]
        model.eval()
        with no_grad():
            scores = [[model([x, y])[0].data for x in xs] for y in ys]
        ax.contourf(xs, ys, scores, levels=[-1e9, 0, 1e9], colors=["#c6dbef", "#fdd0a2"])
        ax.contour(xs, ys, scores, levels=[0], colors="black", linewidths=0.8)
        ax.scatter([p[0] for p in x_train], [p[1] for p in x_train], c=y_train,
                   cmap="coolwarm", s=26, edgecolors="black", linewidths=0.5)
        ax.set(title=name, xlabel="x", ylabel="y")
    fig.suptitle("after 60 epochs: the unregularized boundary bends around single points",
                 fontsize=11)
    save_png(fig, "08-boundaries.png")


@figure
def tutorial_08_l1_l2() -> None:
    """Tutorial 8's `fit_linear`: the five weights with no penalty, L2 and L1 (alpha 0.2)."""
    plt = pyplot()
    rng = random.Random(0)
    X = [[rng.gauss(0, 1) for _ in range(5)] for _ in range(30)]
    Y = [3 * x[0] + rng.gauss(0, 0.5) for x in X]

    def fit_linear(penalty=None, alpha=0.2) -> list[float]:
        model = nn.Neuron(5, activation="linear", rng=0)
        optimizer = nn.SGD(model.parameters(), lr=0.05)
        for _ in range(200):
            loss = nn.mse([model(x) for x in X], Y)
            if penalty:
                loss = loss + penalty(model.w, alpha)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return [w.data for w in model.w]

    fig, (big, small) = plt.subplots(1, 2, figsize=(7.2, 3.0),
                                     gridspec_kw={"width_ratios": [1, 3]})
    runs = (("no penalty", None, "#7f7f7f"), ("L2", nn.l2_penalty, "#1f77b4"),
            ("L1", nn.l1_penalty, "#2ca02c"))
    for k, (name, penalty, color) in enumerate(runs):
        weights = fit_linear(penalty)
        big.bar([k], [weights[0]], color=color, label=name)
        small.bar([i + (k - 1) * 0.27 for i in range(1, 5)], weights[1:], width=0.27,
                  color=color, label=name)
    big.set(xticks=[], ylabel="weight", title="w0 (the input that matters)")
    small.set(xticks=range(1, 5), xticklabels=[f"w{i}" for i in range(1, 5)],
              title="w1 to w4 (inputs that do not): L1 keeps them near zero")
    small.axhline(0, color="black", lw=0.6)
    small.legend(fontsize=8)
    save_png(fig, "08-l1-l2.png")


# -- 9. a CNN on digits -------------------------------------------------------------------------

def digit_images() -> tuple[list, list[int]]:
    """Tutorial 9's data: scikit-learn's 8x8 digits as [1][8][8] images scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = [[[[v / 16 for v in row] for row in image]] for image in digits.images.tolist()]
    return images, digits.target.tolist()


def trained_digit_cnn() -> tuple[nn.Sequential, list, list[int], list[int]]:
    """Tutorial 9's model, trained by its code: (model, test images, labels, predictions)."""
    images, labels = digit_images()
    model = nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, stride=2, rng=0),
        nn.ReLU(),
        nn.Flatten(),
        nn.Layer(36, 10, activation="linear", init="xavier", rng=0),
    )
    x_train, y_train, x_test, y_test = nn.train_test_split(images, labels, 0.2, rng=0)
    x_train, y_train, x_test, y_test = x_train[:320], y_train[:320], x_test[:300], y_test[:300]
    optimizer = nn.Adam(model.parameters(), lr=0.03)
    order = random.Random(0)
    for _ in range(2):
        for batch in nn.batches(len(x_train), 16, order):
            scores = [model(x_train[i]) for i in batch]
            loss = nn.softmax_cross_entropy(scores, [y_train[i] for i in batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    def predict(image: list) -> int:
        scores = model(image)
        return max(range(10), key=lambda k: scores[k].data)

    with no_grad():
        predicted = [predict(x) for x in x_test]
    print(f"  the page's CNN: test accuracy {nn.accuracy(predicted, y_test)}")
    return model, x_test, y_test, predicted


def show_grid(ax, values: list[list], title: str, signed: bool = False) -> None:
    """One small image: grey for pixels, red/blue around 0 for weights."""
    data = [[v.data if isinstance(v, Value) else v for v in row] for row in values]
    if signed:
        bound = max(abs(v) for row in data for v in row) or 1.0
        ax.imshow(data, cmap="RdBu_r", vmin=-bound, vmax=bound)
    else:
        ax.imshow(data, cmap="gray_r", vmin=0)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


@figure
def tutorial_09_digits() -> None:
    plt = pyplot()
    images, labels = digit_images()
    fig, axes = plt.subplots(2, 10, figsize=(7.2, 2.3))
    for k, ax in enumerate(axes.flat):
        show_grid(ax, images[k][0], str(labels[k]))
    fig.suptitle("the first twenty 8x8 digits: few pixels, but readable", fontsize=10)
    save_png(fig, "09-digits.png")


@figure
def tutorial_09_filters_and_mistakes() -> None:
    plt = pyplot()
    model, x_test, y_test, predicted = trained_digit_cnn()
    conv, relu = model.layers[0], model.layers[1]
    fig, axes = plt.subplots(2, 5, figsize=(7.2, 3.4))
    axes[0][0].axis("off")
    axes[0][0].text(0.5, 0.5, "learned\nfilters", ha="center", va="center", fontsize=10)
    for o in range(4):
        show_grid(axes[0][o + 1], conv.kernel(o, 0), f"filter {o}", signed=True)
    with no_grad():
        maps = relu(conv(x_test[0]))
    show_grid(axes[1][0], x_test[0][0], f"a test digit ({y_test[0]})")
    for o in range(4):
        show_grid(axes[1][o + 1], maps[o], f"map {o} (3x3)")
    fig.suptitle("top: the four filters (red +, blue -); bottom: what each finds in a digit",
                 fontsize=10)
    save_png(fig, "09-filters.png")

    wrong = [i for i, (y, p) in enumerate(zip(y_test, predicted)) if y != p][:16]
    fig, axes = plt.subplots(2, 8, figsize=(7.2, 2.7))
    for ax, i in zip(axes.flat, wrong):
        show_grid(ax, x_test[i][0], f"{y_test[i]} → {predicted[i]}")
    fig.suptitle(f"the first 16 of the {sum(y != p for y, p in zip(y_test, predicted))} "
                 f"misclassified test digits (true → predicted)", fontsize=10)
    save_png(fig, "09-misclassified.png")


# -- 10. an RNN on sentences --------------------------------------------------------------------

@figure
def tutorial_10_unrolled() -> None:
    rnn = nn.RNN(nn.RNNCell(1, 1, rng=0))
    w_x, w_h, b = rnn.parameters()
    w_x.label, w_h.label, b.label = "w_x", "w_h", "b"
    xs = [[Value(x, f"x{t + 1}")] for t, x in enumerate([0.5, -1.0, 2.0])]
    outputs, last = rnn(xs)
    for t, h in enumerate(outputs):
        h[0].label = f"h{t + 1}"
    last[0].backward()
    dot = draw_dot(last[0], rankdir="TB")
    dot.graph_attr.update(ranksep="0.3", nodesep="0.25")
    save_graph(dot, "10-unrolled.svg",
               "three steps, one set of weights: w_x, w_h, b sum their grads")


class LanguageModel(nn.Module):
    """Tutorial 10's model: embedding, RNN cell, linear head over the vocabulary."""

    def __init__(self, vocab: list[str], seed: int = 0) -> None:
        rng = random.Random(seed)
        self.index = {w: i for i, w in enumerate(vocab)}
        self.embedding = nn.Embedding(len(vocab), 4, rng=rng)
        self.rnn = nn.RNN(nn.RNNCell(4, 8, rng=rng))
        self.head = nn.Layer(8, len(vocab), activation="linear", init="xavier", rng=rng)
        self.label_parameters()

    def forward(self, words: list[str]) -> tuple[list, list]:
        hidden, _ = self.rnn([self.embedding(self.index[w]) for w in words])
        return [self.head(h) for h in hidden], hidden


@figure
def tutorial_10_learning() -> None:
    plt = pyplot()
    corpus = ["the cat sat on the mat", "the dog sat on the rug",
              "the cat ate the fish", "the dog ate the bone"]
    sentences = [line.split() for line in corpus]
    end = "."
    vocab = [end] + sorted({w for s in sentences for w in s})

    def probability(model: LanguageModel, prompt: str, word: str) -> float:
        with no_grad():
            scores, _ = model([end, *prompt.split()])
        exps = [math.exp(s.data) for s in scores[-1]]
        return exps[model.index[word]] / sum(exps)

    def gradient_reach(model: LanguageModel, prompt: str, answer: str) -> list[float]:
        scores, hidden = model([end, *prompt.split()])
        loss = nn.softmax_cross_entropy([scores[-1]], [model.index[answer]])
        _, grads = gradients(loss)
        return [math.sqrt(sum(grads[v] ** 2 for v in h)) for h in hidden]

    reach = gradient_reach(LanguageModel(vocab), "the cat sat on the", "mat")
    model = LanguageModel(vocab)
    checks = [("the cat ate the", "fish"), ("the dog ate the", "bone"),
              ("the cat sat on the", "mat"), ("the dog sat on the", "rug")]
    curves: dict[str, list[float]] = {word: [] for _, word in checks}
    optimizer = nn.Adam(model.parameters(), lr=0.1)
    for _ in range(60):
        logits, targets = [], []
        for sentence in sentences:
            scores, _ = model([end, *sentence])
            logits += scores
            targets += [model.index[w] for w in [*sentence, end]]
        loss = nn.softmax_cross_entropy(logits, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        for prompt, word in checks:
            curves[word].append(probability(model, prompt, word))
    print("  " + ", ".join(f"{w} at step {k}: {curves[w][k - 1]:.2f}"
                           for w in ("fish", "mat") for k in (25, 35)))

    fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.3))
    styles = {"fish": ("#1f77b4", "-"), "bone": ("#1f77b4", "--"),
              "mat": ("#d62728", "-"), "rug": ("#d62728", "--")}
    for (prompt, word), ys in zip(checks, curves.values()):
        color, ls = styles[word]
        left.plot(range(1, 61), ys, color=color, ls=ls, label=f"{prompt} → {word}")
    left.set(xlabel="training step", ylabel="probability of the right word", ylim=(0, 1.05),
             title="two words back: learned first")
    left.legend(fontsize=7, loc="lower right")
    words = [end, "the", "cat", "sat", "on", "the"]
    right.bar(range(len(words)), reach, color=["#7f7f7f", "#7f7f7f", "#d62728", "#7f7f7f",
                                                "#7f7f7f", "#7f7f7f"])
    right.set(xticks=range(len(words)), xticklabels=[f"'{w}'" for w in words], yscale="log",
              xlabel="hidden state after reading ...", ylabel="|d loss('mat') / d h|",
              title="untrained: 17x fainter back at 'cat'")
    save_png(fig, "10-learning.png")


def main(argv: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    chosen = [f for name, f in FIGURES.items()
              if not argv or any(name.startswith(f"tutorial_{a}") for a in argv)]
    if not chosen:
        raise SystemExit(f"no picture matches {argv}; tutorials are 01 to 10")
    for draw in chosen:
        draw()


if __name__ == "__main__":
    main(sys.argv[1:])
