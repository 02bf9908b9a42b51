"""Drawing graphs with Graphviz, and the step-by-step backprop player.

Nothing here imports graphviz at import time: `import autograd` works without the `viz` extra.
"""

from autograd.viz.dot import DEFAULT_MAX_NODES, draw_dot, to_dot
from autograd.viz.frames import PLAYER_MAX_NODES, PLAYER_MAX_WORK, Frame, step_frames, write_frames
from autograd.viz.notebook import Player, player
from autograd.viz.player import frames_folder, player_html, write_player
from autograd.viz.rendering import DotNotFoundError, render, require_dot, to_svg, use_renderer
from autograd.viz.widget import StepperWidget, stepper_widget  # ipywidgets: imported when made

__all__ = [
    "DEFAULT_MAX_NODES", "PLAYER_MAX_NODES", "PLAYER_MAX_WORK", "DotNotFoundError", "Frame",
    "Player", "StepperWidget", "draw_dot", "frames_folder", "player", "player_html", "render",
    "require_dot", "step_frames", "stepper_widget", "to_dot", "to_svg", "use_renderer",
    "write_frames", "write_player",
]
