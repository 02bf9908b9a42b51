"""A word-level recurrent language model, trained by backpropagation through time.

    python demos/words.py [--quick] [--seed N] [--out DIR] [--cell lstm|rnn] [--dynamic]

The corpus (demos/data/corpus.txt) is a few hundred words of short sentences written for this
project. After "the cat sat on the" comes "mat", after "the dog sat on the" comes "rug": only the
word four steps back tells them apart, so the error signal must travel back four steps. The model
(an LSTM whose forget gates start open; `--cell rnn` for a plain tanh RNN) is trained twice,
with and without `clip_grad_norm`; it prints its top-3 next words for a few prompts, samples
sentences, and plots the loss and the gradient reaching each earlier step. Each sentence's
training step runs as a program made by `autograd.compile`, one per sentence length;
--dynamic runs it on the dynamic engine instead (the same numbers, bit for bit; slower).
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
    progress,
    pyplot,
    save_figure,
    training_step,
    whole_ticks,
)

import nn
from autograd import Value, gradients, no_grad, sum_of

CORPUS = Path(__file__).resolve().parent / "data" / "corpus.txt"
END = "."  # starts every input and ends every sentence
CLIP = 0.25  # max_norm for clip_grad_norm: below most updates' norms, so it acts
PROMPTS = ("the cat sat on the", "the dog sat on the", "the boy ran to the", "the bird ate the")


def read_corpus(path: Path = CORPUS) -> tuple[list[list[str]], list[str]]:
    """The sentences as word lists, and the vocabulary (END first, then sorted)."""
    sentences = [line.split() for line in path.read_text().splitlines() if line.strip()]
    words = sorted({w for s in sentences for w in s})
    return sentences, [END, *words]


class LanguageModel(nn.Module):
    """Embedding -> recurrent cell -> a linear read-out of the next word's scores, every step."""

    def __init__(self, vocab: list[str], dim: int, hidden: int, cell: str, seed: int) -> None:
        rng = random.Random(seed)
        self.vocab = vocab
        self.index = {w: i for i, w in enumerate(vocab)}
        self.embedding = nn.Embedding(len(vocab), dim, rng=rng)
        if cell == "lstm":
            lstm = nn.LSTMCell(dim, hidden, rng=rng)
            for neuron in lstm.forget_gate.neurons:
                neuron.b.data = 1.0  # remember by default (Jozefowicz et al. 2015): c survives
            self.rnn = nn.RNN(lstm)
        else:
            self.rnn = nn.RNN(nn.RNNCell(dim, hidden, rng=rng))
        self.head = nn.Layer(hidden, len(vocab), activation="linear", init="xavier", rng=rng)
        self.label_parameters()

    def forward(self, words: Sequence[str]) -> tuple[list[list[Value]], list[list[Value]]]:
        """(next-word scores after each word, the hidden state after each word)."""
        xs = [self.embedding(self.index[w]) for w in words]
        hidden, _ = self.rnn(xs)
        return [self.head(h) for h in hidden], hidden

    def next_words(self, prompt: str, k: int = 3) -> list[tuple[str, float]]:
        """The k likeliest next words after `prompt`, with their probabilities."""
        with no_grad():
            scores, _ = self([END, *prompt.split()])
        probs = softmax([s.data for s in scores[-1]])
        best = sorted(range(len(probs)), key=lambda i: -probs[i])[:k]
        return [(self.vocab[i], probs[i]) for i in best]

    def sample(self, rng: random.Random, limit: int = 12) -> str:
        """A sentence drawn word by word from the model's own predictions."""
        words = [END]
        with no_grad():
            for _ in range(limit):
                scores, _ = self(words)
                probs = softmax([s.data for s in scores[-1]])
                word = rng.choices(self.vocab, weights=probs)[0]
                if word == END:
                    break
                words.append(word)
        return " ".join(words[1:])


def softmax(zs: list[float]) -> list[float]:
    m = max(zs)
    es = [math.exp(z - m) for z in zs]
    total = sum(es)
    return [e / total for e in es]


def one_hot(model: LanguageModel, words: Sequence[str]) -> list[list[float]]:
    """Each word as a row of len(vocab) numbers, 1.0 at its index: what a compiled step takes."""
    n = len(model.vocab)
    return [[float(k == model.index[w]) for k in range(n)] for w in words]


def sentence_loss(model: LanguageModel, words: list[list[float]], following: list[list[float]],
                  weight: float) -> Value:
    """`weight` times the mean cross-entropy of one sentence's next words, from one-hot rows.

    `words` are the sentence's words (END first), `following` the word after each (END last).
    Rows, not indices: an index chooses an embedding row, a choice a compiled program cannot
    make again; row . weight is the same embedding, bit for bit (one 1.0, the rest zeros).
    """
    table = model.embedding.weight
    xs = [[sum_of([p * row[k] for p, row in zip(word, table)]) for k in range(len(table[0]))]
          for word in words]
    hidden, _ = model.rnn(xs)
    return weight * nn.softmax_cross_entropy([model.head(h) for h in hidden], following)


def gradient_reach(model: LanguageModel, prompt: str, answer: str) -> list[float]:
    """|d loss / d h_t| for every step t of `prompt`, where the loss is -log p(answer | prompt).

    The last entry is the step that predicts; the first is the farthest back. `gradients`
    touches no `.grad`.
    """
    scores, hidden = model([END, *prompt.split()])
    loss = nn.softmax_cross_entropy([scores[-1]], [model.index[answer]])
    _, grads = gradients(loss)
    return [math.sqrt(sum(grads.get(v, 0.0) ** 2 for v in h)) for h in hidden]


def train(model: LanguageModel, sentences: list[list[str]], epochs: int, clip: float | None,
          seed: int, label: str, compiled: bool = True) -> dict[str, list[float]]:
    """Adam on minibatches of sentences; returns the loss per epoch and the norm per update.

    A batch's loss, the mean over its next words, is the sum of each sentence's share, each
    sentence one training step: compiled, a step is traced once per sentence length.
    """
    optimizer = nn.Adam(model.parameters(), lr=0.03)
    rng = random.Random(seed)
    history: dict[str, list[float]] = {"loss": [], "grad norm": []}
    size = 8
    step = training_step(lambda words, following, weight:
                         sentence_loss(model, words, following, weight), compiled)
    with progress(epochs * batch_count(len(sentences), size), label) as bar:
        for _ in range(epochs):
            losses = []
            for batch in nn.batches(len(sentences), size, rng):
                chosen = [sentences[i] for i in batch]
                count = sum(len(s) + 1 for s in chosen)  # next words in the batch
                optimizer.zero_grad()
                loss = 0.0
                for s in chosen:  # backpropagation through time: each step's backward()
                    loss += step(one_hot(model, [END, *s]), one_hot(model, [*s, END]),
                                 (len(s) + 1) / count)
                norm = nn.clip_grad_norm(model.parameters(), clip) if clip else \
                    math.sqrt(sum(p.grad ** 2 for p in model.parameters()))
                optimizer.step()
                losses.append(loss)
                history["grad norm"].append(norm)
                bar.set_postfix(loss=f"{loss:.3f}", grad_norm=f"{norm:.2f}")
                bar.update()
            history["loss"].append(sum(losses) / len(losses))
    return history


def _options(parser) -> None:
    parser.add_argument("--cell", choices=("lstm", "rnn"), default="lstm",
                        help="the recurrent cell (default lstm; a plain rnn does not learn "
                             "the four-step dependency in this many epochs)")
    parser.add_argument("--dynamic", action="store_true",
                        help="train on the dynamic engine instead of compiled steps (slower)")


def main(argv: Sequence[str] | None = None) -> dict:
    args = parse_args("words", "Train a word-level RNN language model (BPTT).", argv,
                      extra=_options)
    cell = args.cell
    started = time.perf_counter()
    sentences, vocab = read_corpus()
    epochs = 25
    if args.quick:
        sentences, epochs = sentences[:16], 1
    runs = {}
    for name, clip in (("clipped", CLIP), ("not clipped", None)):
        model = LanguageModel(vocab, dim=8, hidden=16, cell=cell, seed=args.seed)
        untrained = gradient_reach(model, PROMPTS[0], "mat")
        history = train(model, sentences, epochs, clip, args.seed, f"words ({name})",
                        compiled=not args.dynamic)
        runs[name] = {"model": model, "history": history, "untrained": untrained,
                      "reach": gradient_reach(model, PROMPTS[0], "mat")}
    model = runs["clipped"]["model"]
    predictions = {p: model.next_words(p) for p in PROMPTS}
    rng = random.Random(args.seed)
    samples = [model.sample(rng) for _ in range(5)]

    out = args.out
    plot(out / "training.png", runs)
    model.save(out / "model.json")
    seconds = time.perf_counter() - started
    for prompt, best in predictions.items():
        print(f"{prompt} -> " + ", ".join(f"{w} {p:.2f}" for w, p in best))
    for s in samples:
        print(f"sample: {s}")
    final = {name: run["history"]["loss"][-1] for name, run in runs.items()}
    print(f"final loss {final['clipped']:.3f} clipped, {final['not clipped']:.3f} not clipped "
          f"({len(vocab)} words, {sum(map(len, sentences))} in the corpus, {seconds:.1f}s)")
    print(f"wrote training.png, model.json to {out}/")
    return {"predictions": predictions, "samples": samples, "final_loss": final,
            "runs": {n: {k: v for k, v in r.items() if k != "model"} for n, r in runs.items()},
            "vocab": vocab, "seconds": seconds, "out": out, "cell": cell}


def plot(path: Path, runs: dict) -> Path:
    """Loss per epoch, gradient norm per update, and how much gradient reaches each step back."""
    plt = pyplot()
    fig, (loss_ax, norm_ax, reach_ax) = plt.subplots(1, 3, figsize=(17, 5.4))
    for name, run in runs.items():
        loss_ax.plot(range(1, len(run["history"]["loss"]) + 1), run["history"]["loss"], label=name)
        norm_ax.plot(run["history"]["grad norm"], label=name, lw=0.8)
    finals = ", ".join(f"{name} {run['history']['loss'][-1]:.2f}" for name, run in runs.items())
    loss_ax.set(title=f"Training loss per epoch, with and without clipping\n(last epoch: {finals})",
                xlabel="epoch", ylabel="cross-entropy per word (log scale)", yscale="log")
    whole_ticks(loss_ax)
    whole_ticks(norm_ax)
    norm_ax.set(title=f"Gradient norm at each update, before clipping:\nthe clipped run rescales "
                      f"anything above {CLIP:g} (dashed)",
                xlabel="update", ylabel="gradient norm (log scale)", yscale="log")
    norm_ax.axhline(CLIP, color="gray", ls="--", lw=0.8, label=f"clip at {CLIP:g}")
    steps = [END, *PROMPTS[0].split()]
    back = list(range(len(steps), 0, -1))  # how many words before the prediction each h is
    first = next(iter(runs.values()))
    reach_ax.plot(back, first["untrained"], marker="o", label="untrained")
    for name, run in runs.items():
        reach_ax.plot(back, run["reach"], marker="o", label=f"trained, {name}")
    reach_ax.set_xticks(back, [f"{n}\n'{w}'" for n, w in zip(back, steps)])
    reach_ax.set(title="Backprop through time: the gradient of the loss on 'mat'\nfades as it "
                       "goes back to earlier words",
                 xlabel="steps back from the prediction (the word read at that step)",
                 ylabel="|d loss('mat') / d h_t| (log scale)", yscale="log")
    for ax in (loss_ax, norm_ax, reach_ax):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9)
    return save_figure(fig, path)


if __name__ == "__main__":
    main()
