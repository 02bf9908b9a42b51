"""`check_engine`: test a learner's own micrograd-style engine against stepgrad, name each mistake.

Needs hypothesis (a dev dependency), like `autograd.testing`, through which it is offered:
`from autograd.testing import check_engine`. The catalog of codes is in `catalog.py` and in
docs/how-to/check-your-engine.md.
"""

from autograd.tools.checkengine.catalog import CODES
from autograd.tools.checkengine.check import check_engine
from autograd.tools.checkengine.probes import UnusableEngineError
from autograd.tools.checkengine.report import EngineReport, Finding, Outcome

__all__ = ["CODES", "EngineReport", "Finding", "Outcome", "UnusableEngineError", "check_engine"]
