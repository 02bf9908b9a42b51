"""The README's nn section: its training example runs as written, its pictures exist."""

import re
import subprocess
import sys
from pathlib import Path

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
    assert names == ["docs/images/play/tutor.png", "docs/images/play/playground.png",
                     "docs/images/play/console.png", "docs/digits_confusion.png",
                     "docs/digits_filters.png", "docs/words_training.png", "docs/vanishing.png",
                     "docs/overfitting.png"]
    for name in names:
        assert (ROOT / name).read_bytes().startswith(b"\x89PNG"), name
    assert "python scripts/play_screenshots.py" in gallery and "make serve" in gallery
    for demo in ("digits", "words", "vanishing", "overfitting"):
        assert f".venv/bin/python demos/{demo}.py" in gallery
        assert (ROOT / "demos" / f"{demo}.py").exists()
