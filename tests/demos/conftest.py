"""Load a demo script as a module, so tests can call its `main(argv)` in-process."""

import importlib.util
import sys
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parents[2] / "demos"


@pytest.fixture
def demo():
    def load(name: str):
        if str(DEMOS) not in sys.path:
            sys.path.insert(0, str(DEMOS))  # the demos import their shared `common`
        spec = importlib.util.spec_from_file_location(f"demo_{name}", DEMOS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
