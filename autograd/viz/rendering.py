"""Running Graphviz's `dot`: SVG text and files, with a timeout and a clear message if it's missing.

`graphviz` (the Python package) is imported here inside functions only, so `import autograd`
works without it; the `dot` program is looked up on PATH when something is actually rendered.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.viz.safe import UnsafeSVGError, check_svg, require_graphviz

if TYPE_CHECKING:
    import graphviz

INSTALL_HINT = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), or `conda install -c conda-forge graphviz`; then check that `dot -V` works"
)


class DotNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not on PATH: building DOT text works, rendering does not."""


def require_dot() -> str:
    """The path of the `dot` program, or DotNotFoundError saying how to install Graphviz."""
    found = shutil.which("dot")
    if found is None:
        raise DotNotFoundError(f"Graphviz's `dot` program is not on PATH: {INSTALL_HINT}")
    return found


@cache
def digraph_class() -> type:
    """`graphviz.Digraph`, whose rendering first checks for `dot` (so it fails with a hint).

    Made on first use, because graphviz is imported lazily.
    """
    graphviz = require_graphviz()

    class Digraph(graphviz.Digraph):
        """A graphviz.Digraph that says how to install Graphviz when `dot` is missing."""

        def pipe(self, *args: Any, **kwargs: Any) -> Any:  # Jupyter display goes through here
            require_dot()
            out = super().pipe(*args, **kwargs)
            if _is_svg(kwargs.get("format", args[0] if args else None) or self.format):
                check_svg(out if isinstance(out, str) else out.decode("utf-8"))
            return out

        def render(self, *args: Any, **kwargs: Any) -> Any:
            require_dot()
            written = super().render(*args, **kwargs)
            if _is_svg(kwargs.get("format") or self.format):
                _check_svg_file(Path(written))
            return written

    Digraph.__module__, Digraph.__qualname__ = __name__, "Digraph"
    return Digraph


def __getattr__(name: str) -> Any:
    # `autograd.viz.rendering.Digraph`, made on first use: lets pickle find the class by name.
    if name == "Digraph":
        return digraph_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_svg(graph: graphviz.Digraph | str, *, timeout: float = 60.0) -> str:
    """Run `dot -Tsvg` on a Digraph (or DOT text) and return the SVG text.

    Fails at once if `dot` is missing, and after `timeout` seconds rather than hanging.
    """
    return check_svg(_run_dot(graph, "svg", timeout).decode("utf-8"))


def render(graph: graphviz.Digraph | str, path: str | Path, *, format: str | None = None,
           timeout: float = 60.0) -> Path:
    """Write the drawing to `path` (format from its suffix: .svg, .png, .pdf, ...); return it."""
    path = check_writable(path, "render")
    fmt = format or path.suffix.lstrip(".").lower()
    if not fmt:
        raise ValueError(f"render: cannot tell the format of {str(path)!r}: give a suffix "
                         f"such as .svg or .png, or format=")
    data = _run_dot(graph, fmt, timeout)
    if _is_svg(fmt):
        check_svg(data.decode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def check_writable(path: str | Path, who: str) -> Path:
    """Refuse (OSError) a file path that could not be written, before any work is done.

    The path must not be a directory, and every existing ancestor must be a directory that can
    be written in (missing ones are made when the file is written).
    """
    path = Path(path)
    if not str(path).strip():
        raise FileNotFoundError(f"{who}: the file name is empty")
    if path.is_dir():
        raise IsADirectoryError(f"{who}: {str(path)!r} is a directory: give a file name")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise NotADirectoryError(f"{who}: {str(parent)!r} is not a directory, so "
                                 f"{str(path)!r} cannot be written")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"{who}: cannot write in {str(parent)!r}")
    return path


def _is_svg(fmt: object) -> bool:
    return isinstance(fmt, str) and fmt.lower().split(":")[0] == "svg"


def _check_svg_file(path: Path) -> None:
    """check_svg on a file graphviz wrote: an unsafe one is deleted, not left behind."""
    try:
        check_svg(path.read_text(encoding="utf-8"))
    except UnsafeSVGError:
        path.unlink()
        raise


def _run_dot(graph: graphviz.Digraph | str, fmt: str, timeout: float) -> bytes:
    source = graph if isinstance(graph, str) else graph.source
    dot = require_dot()
    try:
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"dot took more than {timeout:g}s: draw a smaller graph (max_depth=, "
                           f"collapse=True) or pass a larger timeout=") from None
    if done.returncode != 0:
        raise RuntimeError(f"dot -T{fmt} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
