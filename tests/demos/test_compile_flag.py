"""--compile on moons and spiral: the same training as the dynamic engine, run compiled."""

import pytest


def test_moons_compiled_trains_exactly_as_the_dynamic_engine(demo, tmp_path):
    """Compiled steps compute the same numbers, so the whole run is the same, loss for loss."""
    dynamic = demo("moons").main(["--quick", "--out", str(tmp_path / "a")])
    compiled = demo("moons").main(["--quick", "--compile", "--out", str(tmp_path / "b")])
    assert compiled["history"] == dynamic["history"]
    assert compiled["test_accuracy"] == dynamic["test_accuracy"]


@pytest.mark.slow
def test_spiral_compiled_trains_exactly_as_the_dynamic_engine(demo, tmp_path):
    """softmax_cross_entropy's shift is a recorded max, recomputed by the program at every
    call: the whole run is the same, loss for loss, bit for bit."""
    dynamic = demo("spiral").main(["--quick", "--out", str(tmp_path / "a")])
    compiled = demo("spiral").main(["--quick", "--compile", "--out", str(tmp_path / "b")])
    assert compiled["history"] == dynamic["history"]
    assert compiled["test_accuracy"] == dynamic["test_accuracy"]
