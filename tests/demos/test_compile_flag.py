"""--compile on moons and spiral: the same training as the dynamic engine, run compiled."""

import math

import pytest


def test_moons_compiled_trains_exactly_as_the_dynamic_engine(demo, tmp_path):
    """Compiled steps compute the same numbers, so the whole run is the same, loss for loss."""
    dynamic = demo("moons").main(["--quick", "--out", str(tmp_path / "a")])
    compiled = demo("moons").main(["--quick", "--compile", "--out", str(tmp_path / "b")])
    assert compiled["history"] == dynamic["history"]
    assert compiled["test_accuracy"] == dynamic["test_accuracy"]


@pytest.mark.slow
def test_spiral_compiled_trains_as_the_dynamic_engine(demo, tmp_path):
    """The loss's shift max(z.data) is frozen at the trace: equal up to rounding, not bits."""
    dynamic = demo("spiral").main(["--quick", "--out", str(tmp_path / "a")])
    compiled = demo("spiral").main(["--quick", "--compile", "--out", str(tmp_path / "b")])
    for ours, theirs in zip(compiled["history"]["test loss"], dynamic["history"]["test loss"]):
        assert math.isclose(ours, theirs, rel_tol=1e-6)
