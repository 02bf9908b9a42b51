"""The op table's public path (`from autograd.ops import Op, Domain, OPS`): see core/ops.py."""

from autograd.core.ops import *  # noqa: F403
