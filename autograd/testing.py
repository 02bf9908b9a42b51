"""Hypothesis strategies' public path (`from autograd.testing import expressions, op_inputs`),
and `check_engine`'s (`from autograd.testing import check_engine`).

They live in `tools/testing.py` and `tools/checkengine/`; importing either needs the dev
dependency `hypothesis`.
"""

from autograd.tools import testing as strategies
from autograd.tools.checkengine import EngineReport, Finding, Outcome, check_engine
from autograd.tools.testing import *  # noqa: F403

__all__ = [*strategies.__all__, "EngineReport", "Finding", "Outcome", "check_engine"]
