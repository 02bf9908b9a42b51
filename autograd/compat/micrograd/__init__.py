"""micrograd's interface on stepgrad: change only the imports of micrograd code.

    from autograd.compat.micrograd import Value       # was: from micrograd.engine import Value
    from autograd.compat.micrograd.nn import MLP      # was: from micrograd.nn import MLP
    from autograd.compat.micrograd import nn          # was: from micrograd import nn

Every node is a stepgrad `Value`, so stepgrad's tools (drawings, the stepper, gradcheck,
compile) read micrograd code's graphs as they are. See docs/how-to/coming-from-micrograd.md.
"""

from autograd.compat.micrograd.engine import Value

__all__ = ["Value"]
