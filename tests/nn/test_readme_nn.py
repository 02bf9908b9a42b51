"""The README's nn section: its training example runs as written, its pictures exist."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def nn_section() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("<!-- section:nn -->\n", 1)[1].split("<!-- /section:nn -->", 1)[0]


def test_training_example_runs_and_learns(tmp_path):
    blocks = [b for b in re.findall(r"```python\n(.*?)```", nn_section(), re.S)
              if ">>>" not in b]  # the others are doctests, run by pytest's --doctest-glob
    assert len(blocks) == 1
    script = tmp_path / "example.py"
    script.write_text(blocks[0])
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    accuracy = int(re.search(r"test accuracy (\d+)%", done.stdout).group(1))
    assert accuracy >= 90
    assert (tmp_path / "moons.json").exists()


def test_pictures_are_committed():
    names = re.findall(r"\]\((docs/[^)]+\.png)\)", nn_section())
    assert names == ["docs/moons_boundary.png", "docs/moons_loss.png"]
    for name in names:
        assert (ROOT / name).read_bytes().startswith(b"\x89PNG")


def test_gallery_has_a_committed_picture_and_the_command_for_every_demo():
    text = (ROOT / "README.md").read_text()
    gallery = text.split("<!-- section:gallery -->\n", 1)[1].split("<!-- /section:gallery -->")[0]
    names = re.findall(r"\]\((docs/[^)]+\.png)\)", gallery)
    assert names == ["docs/digits_confusion.png", "docs/digits_filters.png",
                     "docs/words_training.png", "docs/vanishing.png", "docs/overfitting.png"]
    for name in names:
        assert (ROOT / name).read_bytes().startswith(b"\x89PNG"), name
    for demo in ("digits", "words", "vanishing", "overfitting"):
        assert f".venv/bin/python demos/{demo}.py" in gallery
        assert (ROOT / "demos" / f"{demo}.py").exists()


def test_what_the_section_says_a_layer_holds_is_what_it_holds():
    # The section said Conv2d's `weight` was one flat list, and that cells were initialised
    # from U(+-1/sqrt(hidden)) (their biases start at 0): each claim is checked on the layers.
    import math

    import nn

    section = " ".join(nn_section().split())  # one line: claims may wrap
    assert ("`weight[o][c][r][s]` is nested lists (parameters `weight.o.c.r.s`), `bias` one "
            "Value per output channel (`[]` with `bias=False`), `conv.kernel(o, c)` is "
            "`weight[o][c]`, its kh×kw weights") in section
    conv = nn.Conv2d(2, 3, (2, 4), rng=0)
    w = conv.weight
    assert (len(w), len(w[0]), len(w[0][0]), len(w[0][0][0])) == (3, 2, 2, 4)
    names = [name for name, _ in conv.named_parameters()]
    assert names[:2] == ["weight.0.0.0.0", "weight.0.0.0.1"] and names[47] == "weight.2.1.1.3"
    assert names[48:] == ["bias.0", "bias.1", "bias.2"] and len(conv.bias) == 3
    assert conv.kernel(2, 1) is w[2][1] and nn.Conv2d(1, 1, 2, bias=False).bias == []
    assert "weights and biases from U(±1/√(in·kh·kw)) as PyTorch" in section
    assert all(abs(p.data) <= 1 / math.sqrt(2 * 2 * 4) for p in conv.parameters())

    assert ("Cells' weights are initialised from U(±1/√hidden_size) as PyTorch's, their "
            "biases at 0, one per gate") in section
    for cell in (nn.RNNCell(3, 4, rng=1), nn.LSTMCell(3, 4, rng=1)):
        for name, p in cell.named_parameters():
            if name.endswith(".b"):
                assert p.data == 0.0, name
            else:
                assert abs(p.data) <= 1 / math.sqrt(4), name

    assert ("every `rng` argument is a `random.Random` or an int seed (`None`, the default, is "
            "seed 0; `batches` has no default and refuses `None`)") in section
    assert nn.k_fold(6, 3) == nn.k_fold(6, 3, rng=0)
    assert nn.make_moons(10) == nn.make_moons(10, rng=0)
    with pytest.raises(TypeError, match="rng must be a random.Random or an int seed, got None"):
        nn.batches(4, 2, None)
