"""stepgrad's engine: scalar reverse-mode autodiff you can step through, draw and property-test."""

from autograd.anomaly import AnomalyError, detect_anomaly
from autograd.backward import backward, grad, gradients, local_partials, value_and_grad
from autograd.compiler import compile, is_tracing
from autograd.explain import explain, text_graph
from autograd.forward import Dual, jvp
from autograd.gradcheck import (
    GradcheckError,
    GradcheckReport,
    gradcheck,
    gradcheck_report,
    gradgradcheck,
)
from autograd.graph import edges, topological_order
from autograd.mode import enable_grad, is_grad_enabled, no_grad
from autograd.ops import OPS, Op
from autograd.stepper import Contribution, Step, backward_steps
from autograd.transforms import hessian, hvp, jacobian, vjp
from autograd.userops import define_op
from autograd.value import Value, mean_of, sum_of
from autograd.viz import draw_dot  # graphviz itself is imported only when drawing

__all__ = [
    "OPS", "GradcheckError", "Op", "Value", "backward", "compile", "edges", "enable_grad",
    "gradcheck", "gradcheck_report", "GradcheckReport",
    "gradgradcheck", "gradients", "grad", "is_grad_enabled", "local_partials", "mean_of",
    "no_grad", "sum_of", "topological_order", "value_and_grad", "draw_dot",
    "AnomalyError", "Contribution", "Step", "backward_steps", "detect_anomaly", "explain",
    "text_graph", "Dual", "hessian", "hvp", "jacobian", "jvp", "vjp", "define_op", "is_tracing",
]
__version__ = "0.1.0"
