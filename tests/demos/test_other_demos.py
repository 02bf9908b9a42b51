"""spiral, rnn and neuron: quick runs in the default suite, full runs to their targets (slow)."""

import math
import random

import pytest

PNG = b"\x89PNG\r\n\x1a\n"


def test_neuron_steps_through_and_matches_the_hand_computation(demo, tmp_path, capsys):
    result = demo("neuron").main(["--quick", "--out", str(tmp_path)])
    assert result["o"] == pytest.approx(1 / math.sqrt(2), rel=1e-12)
    for name, want in result["by_hand"].items():
        assert result["grads"][name] == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert result["grads"]["x1"] == pytest.approx(-1.5)  # w1 * (1 - tanh(n)^2) = -3 * 0.5
    assert result["grads"]["w1"] == pytest.approx(1.0)
    assert result["neuron_output"] == pytest.approx(result["o"], rel=1e-12)
    printed = capsys.readouterr().out
    assert "x1.grad += 0.5 (upstream) * -3.0" in printed  # a chain-rule line from the stepper
    assert "MISMATCH" not in printed
    assert "<svg" in (tmp_path / "neuron.svg").read_text()
    assert (tmp_path / "player.html").exists()


def test_spiral_quick(demo, tmp_path):
    result = demo("spiral").main(["--quick", "--out", str(tmp_path)])
    for name in ("decision_boundary.png", "loss.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    assert len(result["history"]["train loss"]) == 2


def test_rnn_quick(demo, tmp_path):
    result = demo("rnn").main(["--quick", "--out", str(tmp_path)])
    for name in ("loss.png", "predictions.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)
    reach, untrained = result["gradient_per_step"], result["gradient_per_step_untrained"]
    assert len(reach) == len(untrained) == 10
    # Every input step reaches the prediction (tanh never cuts a path), and training changes how.
    assert all(0 < g < 10 for g in reach + untrained)
    assert reach != untrained
    assert len(result["history"]["test MSE"]) == 2
    assert result["test_mse"] == result["history"]["test MSE"][-1]


def test_rnn_gradient_per_step_matches_central_differences_and_touches_no_grad(demo):
    rnn = demo("rnn")
    rng = random.Random(1)
    model = rnn.RNN(hidden=3, rng=rng)
    windows, _ = rnn.make_waves(2, rng)
    for p in model.parameters():
        p.grad = 0.25  # must survive: the measurement is not a training step
    got = rnn.gradient_per_step(model, windows)

    def predict(window):
        return model(window)[0].data

    h = 1e-6
    want = [0.0] * rnn.STEPS
    for window in windows:
        for t in range(rnn.STEPS):
            up, down = list(window), list(window)
            up[t] += h
            down[t] -= h
            want[t] += abs(predict(up) - predict(down)) / (2 * h) / len(windows)
    assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
    assert [p.grad for p in model.parameters()] == [0.25] * len(model.parameters())


@pytest.mark.slow
def test_spiral_full_reaches_95_percent(demo, tmp_path):
    result = demo("spiral").main(["--out", str(tmp_path)])
    assert result["test_accuracy"] >= 0.95


@pytest.mark.slow
def test_rnn_full_beats_the_naive_forecast_by_far(demo, tmp_path):
    result = demo("rnn").main(["--out", str(tmp_path)])
    assert result["test_mse"] < 0.05 * result["baseline_mse"]
    untrained = result["gradient_per_step_untrained"]
    assert untrained[0] < untrained[-1]  # before training, the earliest step gets the least
