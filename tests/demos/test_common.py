"""demos/common.py: the helpers every demo shares."""

import random

import pytest

import nn


@pytest.mark.parametrize("n, size", [(1, 32), (32, 32), (33, 32), (225, 32), (240, 16)])
def test_batch_count_is_how_many_batches_nn_batches_cuts(demo, n, size):
    assert demo("common").batch_count(n, size) == len(nn.batches(n, size, random.Random(0)))


def test_evaluate_measures_in_eval_mode_without_a_graph_and_restores_training(demo):
    model = nn.MLP(2, [8, 1], rng=0, dropout=0.5)  # dropout: eval mode changes the outputs
    points, labels = nn.make_moons(40, rng=0)
    modes = []

    def loss(outputs, labels):
        modes.append(model.training)
        assert all(not out[0].parents for out in outputs)  # no_grad: nothing recorded
        return nn.bce_with_logits(outputs, labels)

    got_loss, got_accuracy = demo("common").evaluate(
        model, points, labels, loss, lambda out: int(out[0].data > 0))
    assert modes == [False] and model.training
    model.eval()
    logits = [model(p)[0] for p in points]
    assert got_loss == nn.bce_with_logits(logits, labels).data
    assert got_accuracy == nn.accuracy([int(z.data > 0) for z in logits], labels)


@pytest.mark.parametrize("out, message", [
    ("", "needs a folder name"),
    ("FILE", "cannot be a folder"),
    ("FILE/x", "cannot be a folder"),
])
def test_a_bad_out_is_one_argparse_error(out, message, tmp_path, capsys):
    from common import parse_args

    (tmp_path / "FILE").write_text("a file")
    given = out.replace("FILE", str(tmp_path / "FILE"))
    with pytest.raises(SystemExit) as stopped:
        parse_args("neuron", "test", ["--out", given])
    assert stopped.value.code == 2 and message in capsys.readouterr().err
