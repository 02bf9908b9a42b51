"""digits, words, vanishing, overfitting: quick runs in the default suite, full runs (slow)."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import nn

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


def pngs(folder, *names):
    for name in names:
        assert (folder / name).read_bytes().startswith(PNG), name


def test_digits_quick_writes_every_picture_and_consistent_numbers(demo, tmp_path, capsys):
    result = demo("digits").main(["--quick", "--out", str(tmp_path)])
    pngs(tmp_path, "loss.png", "filters.png", "feature_maps.png", "confusion.png",
         "misclassified.png")
    saved = json.loads((tmp_path / "model.json").read_text())
    assert len(saved["parameters"]) == 8 * 9 + 8 + 128 * 10 + 10
    confusion, n_test = result["confusion"], result["n_test"]
    assert sum(map(sum, confusion)) == n_test == 48 and result["n_train"] == 96
    correct = sum(confusion[k][k] for k in range(10))
    assert result["test_accuracy"] == correct / n_test
    assert len(result["misclassified"]) == n_test - correct
    assert all(math.isfinite(v) and v > 0 for v in result["history"]["test loss"])
    printed = capsys.readouterr().out
    assert f"test accuracy {result['test_accuracy']:.1%}" in printed and str(tmp_path) in printed


def test_digits_compiled_steps_train_as_the_dynamic_engine_does(demo, tmp_path):
    # The default run compiles each step; --dynamic runs the same steps on the dynamic engine.
    # softmax_cross_entropy's shift is a recorded max the program recomputes at every call, so
    # every loss is the same, bit for bit, and so are the predictions.
    compiled = demo("digits").main(["--quick", "--out", str(tmp_path / "c")])
    dynamic = demo("digits").main(["--quick", "--dynamic", "--out", str(tmp_path / "d")])
    assert compiled["predicted"] == dynamic["predicted"]
    for name in ("train loss (running)", "test loss"):
        assert [x.hex() for x in compiled["history"][name]] == \
            [x.hex() for x in dynamic["history"][name]]


def test_digits_model_reads_the_images_it_is_given(demo):
    digits = demo("digits")
    images, labels = digits.load_digits()
    assert len(images) == len(labels) == 1797
    assert [len(images[0]), len(images[0][0]), len(images[0][0][0])] == [1, 8, 8]
    assert all(0.0 <= v <= 16.0 for row in images[5][0] for v in row)
    assert sorted(set(labels)) == list(range(10))
    scores = digits.make_model(0)(images[0])
    assert len(scores) == 10


def test_words_quick_predicts_samples_and_plots_and_compiled_is_the_dynamic_run(
        demo, tmp_path, capsys):
    # One quick run each way (compiling costs most of a quick run): the default compiles each
    # sentence's step, --dynamic runs the same steps on the dynamic engine. Every loss, norm,
    # gradient reach and trained parameter is the same, bit for bit.
    dynamic = demo("words").main(["--quick", "--dynamic", "--out", str(tmp_path / "d")])
    capsys.readouterr()
    result = demo("words").main(["--quick", "--out", str(tmp_path)])
    for name, run in result["runs"].items():
        other = dynamic["runs"][name]
        for key in ("loss", "grad norm"):
            assert [x.hex() for x in run["history"][key]] == \
                [x.hex() for x in other["history"][key]]
        assert [x.hex() for x in run["reach"]] == [x.hex() for x in other["reach"]]
    assert (tmp_path / "model.json").read_bytes() == (tmp_path / "d" / "model.json").read_bytes()
    assert result["predictions"] == dynamic["predictions"]
    assert result["samples"] == dynamic["samples"]
    pngs(tmp_path, "training.png")
    vocab = result["vocab"]
    for best in result["predictions"].values():
        assert len(best) == 3 and all(w in vocab for w, _ in best)
        probs = [p for _, p in best]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-12
    for sentence in result["samples"]:
        assert all(w in vocab for w in sentence.split())
    for run in result["runs"].values():
        assert len(run["reach"]) == len(run["untrained"]) == 6  # '.', the, cat, sat, on, the
        assert all(math.isfinite(g) and g > 0 for g in run["reach"] + run["untrained"])
        assert len(run["history"]["loss"]) == 1 and len(run["history"]["grad norm"]) == 2
    printed = capsys.readouterr().out
    assert "the cat sat on the -> " in printed and str(tmp_path) in printed


def test_words_gradient_reach_matches_central_differences(demo):
    words = demo("words")
    sentences, vocab = words.read_corpus()
    model = words.LanguageModel(vocab, dim=3, hidden=4, cell="rnn", seed=1)
    prompt = "the dog sat"
    got = words.gradient_reach(model, prompt, "on")
    # d loss / d h_t by perturbing h_t inside an unrolled copy of the forward pass
    index = model.index
    xs = [[v.data for v in model.embedding(index[w])] for w in [words.END, *prompt.split()]]

    def loss_with(t, k, delta):
        h = None
        for step, x in enumerate(xs):
            h = [v.data for v in model.rnn.cell(x, h)]
            if step == t:
                h[k] += delta
        scores = [s.data for s in model.head(h)]
        return -math.log(words.softmax(scores)[index["on"]])

    for t in range(len(xs)):
        norm = math.sqrt(sum(((loss_with(t, k, 1e-6) - loss_with(t, k, -1e-6)) / 2e-6) ** 2
                             for k in range(4)))
        assert got[t] == pytest.approx(norm, rel=1e-5)
    assert "the cat sat on the mat" in [" ".join(s) for s in sentences]
    assert "the dog sat on the rug" in [" ".join(s) for s in sentences]
    assert 250 <= sum(map(len, sentences)) <= 600


def test_words_one_hot_rows_give_the_index_lookups_loss_bit_for_bit(demo):
    # The training step reads words as one-hot rows (what a compiled step takes); row . table
    # is the looked-up embedding row exactly, and the one-hot cross-entropy the indexed one.
    words = demo("words")
    _, vocab = words.read_corpus()
    model = words.LanguageModel(vocab, dim=3, hidden=4, cell="lstm", seed=2)
    sentence = ["the", "cat", "sat", "on", "the", "mat"]
    inputs, following = [words.END, *sentence], [*sentence, words.END]
    by_rows = words.sentence_loss(model, words.one_hot(model, inputs),
                                  words.one_hot(model, following), 1.0)
    scores, _ = model(inputs)
    by_index = nn.softmax_cross_entropy(scores, [model.index[w] for w in following])
    assert by_rows.data.hex() == by_index.data.hex()
    assert words.one_hot(model, ["cat"])[0] == [float(w == "cat") for w in vocab]


def test_words_lstm_cell_option(demo, tmp_path):
    words = demo("words")
    _, vocab = words.read_corpus()
    model = words.LanguageModel(vocab, dim=4, hidden=5, cell="lstm", seed=0)
    assert type(model.rnn.cell).__name__ == "LSTMCell"
    assert len(model.next_words("the cat")) == 3
    with pytest.raises(SystemExit):
        words.main(["--cell", "gru", "--out", str(tmp_path)])


def test_vanishing_quick_shows_sigmoid_vanishing_at_init(demo, tmp_path):
    result = demo("vanishing").main(["--quick", "--out", str(tmp_path)])
    pngs(tmp_path, "vanishing.png")
    ratio = result["ratio"]  # gradient reaching layer 1 / reaching the last layer, at init
    assert ratio["sigmoid, naive U(-1,1)"] < 1e-3 and ratio["sigmoid, xavier"] < 1e-3
    assert ratio["tanh, xavier"] > 1e-2 and ratio["relu, he"] > 1e-3
    exploding = result["exploding"]  # both runs start from the same scaled-up weights
    first = exploding["no clipping"]["grad norm"][0]
    assert first == pytest.approx(exploding["clip_grad_norm(1.0)"]["grad norm"][0], rel=1e-12)
    assert first > 1.0  # above the clipping threshold: clipping acts from the first step
    assert all(len(norms) == 13 for norms in result["at_init"].values())
    assert all(len(curve) == 3 for curve in result["curves"].values())


def test_overfitting_quick_prints_the_search_table(demo, tmp_path, capsys):
    result = demo("overfitting").main(["--quick", "--out", str(tmp_path)])
    pngs(tmp_path, "overfitting.png")
    table = result["table"]
    assert [row["l2"] for row in sorted(table, key=lambda r: r["l2"])] == \
        [0.0, 1e-3, 1e-2, 3e-2]
    assert [row["score"] for row in table] == sorted(row["score"] for row in table)
    assert result["best_l2"] == table[0]["l2"]
    for run in result["runs"].values():
        assert all(math.isfinite(v) and v > 0 for v in run["train"] + run["test"])
    printed = capsys.readouterr().out
    assert nn.format_table(table) in printed  # the search's own table, exactly
    assert f"cross-validation picks l2 = {result['best_l2']:g}" in printed
    assert str(tmp_path) in printed


@pytest.mark.parametrize("name", [
    "overfitting",  # one in the default suite; the in-process tests above cover the others' code
    pytest.param("digits", marks=pytest.mark.slow),
    pytest.param("words", marks=pytest.mark.slow),
    pytest.param("vanishing", marks=pytest.mark.slow),
])
def test_new_demos_run_as_scripts(name, tmp_path):
    done = subprocess.run(
        [sys.executable, f"demos/{name}.py", "--quick", "--seed", "1", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert str(tmp_path) in done.stdout and name in done.stderr  # the folder; the tqdm bar


@pytest.mark.slow
def test_digits_full_reaches_95_percent(demo, tmp_path):
    result = demo("digits").main(["--out", str(tmp_path)])
    assert result["test_accuracy"] >= 0.95


@pytest.mark.slow
def test_words_full_finishes_the_cat_and_the_dog(demo, tmp_path):
    result = demo("words").main(["--out", str(tmp_path)])
    assert result["predictions"]["the cat sat on the"][0][0] == "mat"
    assert result["predictions"]["the dog sat on the"][0][0] == "rug"


@pytest.mark.slow
def test_vanishing_full_which_configurations_learn(demo, tmp_path):
    result = demo("vanishing").main(["--out", str(tmp_path)])
    final = result["final_loss"]
    assert final["relu, he"] < final["sigmoid, xavier"]
    assert final["tanh, xavier"] < final["sigmoid, xavier"]
    clipped = result["exploding"]["clip_grad_norm(1.0)"]["loss"][-1]
    unclipped = result["exploding"]["no clipping"]["loss"][-1]
    assert math.isfinite(clipped) and clipped < unclipped


@pytest.mark.slow
def test_overfitting_full_shows_the_test_loss_turning_up(demo, tmp_path):
    result = demo("overfitting").main(["--out", str(tmp_path)])
    plain = result["runs"]["no regularisation"]
    assert plain["test"][-1] > 1.2 * min(plain["test"])  # it overfits
    assert plain["train"][-1] < plain["train"][0]
    assert result["final_test_loss"]["early stopping"] < plain["test"][-1]
    assert result["final_test_loss"]["L2 1e-2"] < plain["test"][-1]
