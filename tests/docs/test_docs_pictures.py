"""The docs' pictures: committed, shown where the text says, with the command that makes each."""

import re

from docs_pages import DOCS


def pictures(page: str) -> list[str]:
    return re.findall(r"\]\(([^)]+\.(?:png|svg))\)", (DOCS / page).read_text())


def test_the_gallery_has_a_committed_picture_and_the_command_for_every_demo():
    gallery = (DOCS / "gallery.md").read_text()
    assert pictures("gallery.md") == [
        "images/play/tutor.png", "images/play/playground.png", "images/play/console.png",
        "moons_boundary.png", "moons_loss.png", "digits_confusion.png", "digits_filters.png",
        "words_training.png", "vanishing.png", "overfitting.png"]
    for name in pictures("gallery.md"):
        assert (DOCS / name).read_bytes().startswith(b"\x89PNG"), name
    for demo in ("moons", "neuron", "spiral", "rnn", "digits", "words", "vanishing",
                 "overfitting"):
        assert f".venv/bin/python demos/{demo}.py" in gallery, demo
        assert (DOCS.parent / "demos" / f"{demo}.py").exists()


def test_the_training_example_saves_its_model_and_checks_its_accuracy():
    text = (DOCS / "how-to" / "train-a-network.md").read_text()
    assert 'model.save("moons.json")' in text
    assert ">>> nn.accuracy(predicted, y_test) >= 0.9\nTrue" in text
