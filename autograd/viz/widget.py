"""A live backprop stepper for Jupyter: buttons that advance a real `backward_steps()` pass.

Unlike `player` (pictures of a finished pass), the pass happens in the kernel as you click, so
the `.grad`s that later cells read are the paused pass's. Needs `ipywidgets` (the `notebooks`
extra), imported only here.
"""

from __future__ import annotations

from typing import Any

from autograd.core.display import step_html
from autograd.core.value import Value
from autograd.introspect.stepper import backward_steps
from autograd.viz.dot import draw_dot
from autograd.viz.fitted import fitted_html
from autograd.viz.frames import PLAYER_MAX_NODES
from autograd.viz.rendering import require_svg, to_svg

FALLBACK_HTML = ('<p class="stepgrad-fallback"><b>live widget: run this notebook in Jupyter</b> '
                 "to step through the pass here (an exported page has no kernel to run it; "
                 "<code>autograd.viz.player(root)</code> is the stepper that keeps working "
                 "there).</p>")
"""Shown under the widget for pages that cannot run it (nbconvert's HTML, a viewer)."""

_HIDE_FALLBACK = "<style>body:has(.stepgrad-stepper) .stepgrad-fallback {display: none}</style>"
"""Part of the live widget: where it is drawn, the line for pages without it is hidden."""


class StepperWidget:
    """`next` applies one more step of the pass, `finish` the rest; the graph is redrawn each time.

    `.step` is the last applied `Step` (None before the first click), `.done` says the pass ended.
    """

    def __init__(self, root: Value, *, grad: float = 1.0, timeout: float = 60.0,
                 max_nodes: int = PLAYER_MAX_NODES, **draw_options: Any) -> None:
        try:
            import ipywidgets
        except ImportError as error:
            raise ImportError("stepper_widget needs ipywidgets: pip install ipywidgets (or, in "
                              "your stepgrad clone, pip install -e '.[notebooks]')") from error

        draw_dot(root, max_nodes=max_nodes, **draw_options)  # fails fast: size, options
        require_svg()
        self.root, self.step, self.done = root, None, False
        self._steps = backward_steps(root, grad)
        self._timeout, self._draw_options = timeout, {"max_nodes": max_nodes, **draw_options}
        self.next_button = ipywidgets.Button(description="next ▶", tooltip="apply one step")
        self.finish_button = ipywidgets.Button(description="finish ⏭", tooltip="the rest")
        self.follow = ipywidgets.Checkbox(value=True, description="follow the step",
                                          indent=False, tooltip="keep the step's node in view")
        self.status = ipywidgets.HTML()
        self.graph = ipywidgets.HTML()
        self.next_button.on_click(lambda _: self.next())
        self.finish_button.on_click(lambda _: self.finish())
        self.follow.observe(lambda _: self._show(), names="value")
        self.box = ipywidgets.VBox([
            ipywidgets.HBox([self.next_button, self.finish_button, self.follow]), self.status,
            self.graph, ipywidgets.HTML(_HIDE_FALLBACK)])
        self.box.add_class("stepgrad-stepper")
        self._show()

    def next(self) -> None:
        """Apply the next step of the pass (nothing once it is done)."""
        self._advance()
        self._show()

    def finish(self) -> None:
        """Apply every remaining step, then draw the last one (one `dot` run, not one per step)."""
        while self._advance():
            pass
        self._show()

    def _advance(self) -> bool:
        if self.done:
            return False
        self.step = next(self._steps)  # a pass has at least its seed step, and stops at total
        self.done = self.step.index == self.step.total - 1
        return True

    def _show(self) -> None:
        step = self.step
        self.status.value = (step_html(step) if step is not None else
                             "<b>no step yet</b>: click next to seed the pass")
        drawing = draw_dot(self.root, step=step, **self._draw_options)
        # Fitted to the cell's width (text never under 9 px), scrolled to the step's node.
        self.graph.value = fitted_html(to_svg(drawing, timeout=self._timeout),
                                       follow=self.follow.value)
        self.next_button.disabled = self.finish_button.disabled = self.done

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.box._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # what a front end without widgets shows
        return bundle

    def _ipython_display_(self) -> None:
        """The widget, then a line for pages that cannot run it (an export to HTML keeps the
        widget's output but no kernel: it would show an empty output). The live widget's own
        style hides that line wherever the widget is drawn."""
        from IPython.display import HTML, display

        display(self._repr_mimebundle_(), raw=True)
        display(HTML(FALLBACK_HTML))

    def __repr__(self) -> str:
        at = "no step yet" if self.step is None else self.step.heading
        return f"<StepperWidget of {self.root.label or 'the output'}: {at}>"


def stepper_widget(root: Value, *, grad: float = 1.0, **options: Any) -> StepperWidget:
    """A widget whose buttons step `root.backward(grad)` in the kernel (see `StepperWidget`).

    NB: as with `backward_steps()`, the paused pass owns the `.grad`s it is filling in.
    """
    return StepperWidget(root, grad=grad, **options)
