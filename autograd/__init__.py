"""stepgrad's engine: scalar reverse-mode autodiff you can step through, draw and property-test."""

from autograd.compiler import compile, is_tracing
from autograd.core.backward import backward, gradients, local_partials
from autograd.core.clash import refuse_clash
from autograd.core.combine import max_of, maximum, mean_of, min_of, minimum, stop_gradient, sum_of
from autograd.core.graph import edges, topological_order
from autograd.core.mode import enable_grad, is_grad_enabled, no_grad
from autograd.core.ops import OPS, Op
from autograd.core.scalar import is_number
from autograd.core.value import Value
from autograd.core.warn import GradientWarning
from autograd.introspect.anomaly import AnomalyError, detect_anomaly
from autograd.introspect.explain import explain, text_graph
from autograd.introspect.stepper import Contribution, Step, backward_steps
from autograd.tools.gradcheck import (
    GradcheckError,
    GradcheckReport,
    gradcheck,
    gradcheck_report,
    gradgradcheck,
)
from autograd.transforms.forward import Dual, jvp
from autograd.transforms.functional import grad, value_and_grad
from autograd.transforms.jacobians import hessian, hvp, jacobian, vjp
from autograd.transforms.userops import define_op
from autograd.viz import draw_dot  # graphviz itself is imported only when drawing

refuse_clash()  # HIPS autograd (PyPI's `autograd`) shares this import name: say so, with the fix

__all__ = [
    "OPS", "GradcheckError", "Op", "Value", "backward", "compile", "edges", "enable_grad",
    "gradcheck", "gradcheck_report", "GradcheckReport",
    "gradgradcheck", "gradients", "grad", "is_grad_enabled", "local_partials", "mean_of",
    "no_grad", "sum_of", "topological_order", "value_and_grad", "draw_dot",
    "AnomalyError", "Contribution", "Step", "backward_steps", "detect_anomaly", "explain",
    "text_graph", "Dual", "hessian", "hvp", "jacobian", "jvp", "vjp", "define_op", "is_tracing",
    "is_number", "max_of", "maximum", "min_of", "minimum", "stop_gradient", "GradientWarning",
]
__version__ = "0.1.0"
