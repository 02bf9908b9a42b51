"""Hypothesis strategies' public path (`from autograd.testing import expressions, op_inputs`).

They live in `tools/testing.py`; importing either needs the dev dependency `hypothesis`.
"""

from autograd.tools.testing import *  # noqa: F403
