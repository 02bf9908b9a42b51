"""Drawing graphs with Graphviz, and the step-by-step backprop player.

Nothing here imports graphviz at import time: `import autograd` works without the `viz` extra.
"""

from autograd.viz.dot import DEFAULT_MAX_NODES, draw_dot
from autograd.viz.render import DotNotFoundError, render, require_dot, to_svg

__all__ = ["DEFAULT_MAX_NODES", "DotNotFoundError", "draw_dot", "render", "require_dot", "to_svg"]
