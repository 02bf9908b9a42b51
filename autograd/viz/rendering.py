"""Running Graphviz's `dot`: SVG text and files, with a timeout and a clear message if it's missing.

`graphviz` (the Python package) is imported here inside functions only, so `import autograd`
works without it; the `dot` program is looked up on PATH when something is actually rendered.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.viz.safe import UnsafeSVGError, check_svg

if TYPE_CHECKING:
    import graphviz

INSTALL_HINT = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` "
    "(macOS), or `conda install -c conda-forge graphviz`; then check that `dot -V` works"
)


def require_graphviz() -> Any:
    """The `graphviz` Python package, or ImportError naming the extra that brings it."""
    try:
        import graphviz
    except ImportError as error:
        raise ImportError(
            "drawing needs the graphviz Python package: pip install graphviz (or, in your "
            "stepgrad clone, pip install -e '.[viz]')"
        ) from error
    return graphviz


class DotNotFoundError(RuntimeError):
    """Graphviz's `dot` program is not on PATH: building DOT text works, rendering does not."""


_svg_renderer: Callable[[str], str] | None = None


def use_renderer(render_svg: Callable[[str], str] | None) -> None:
    """Draw SVG with `render_svg(dot_text) -> svg_text` instead of running `dot` (None: `dot`).

    Where there is no `dot` program: a page running stepgrad in Pyodide passes Graphviz compiled
    to WebAssembly. Its SVG passes `check_svg` as `dot`'s does; other formats still need `dot`.
    """
    global _svg_renderer
    if render_svg is not None and not callable(render_svg):
        raise TypeError(f"use_renderer: expected a function from DOT text to SVG text, or "
                        f"None, not {type(render_svg).__name__}")
    _svg_renderer = render_svg


def svg_renderer() -> Callable[[str], str] | None:
    """The function `use_renderer` set, if any: frames are then drawn one by one, in this thread."""
    return _svg_renderer


def require_svg() -> None:
    """Return if SVG can be drawn (a renderer is set, or `dot` is there); else DotNotFoundError."""
    if _svg_renderer is None:
        require_dot()


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
            fmt = kwargs.get("format", args[0] if args else None) or self.format
            if _svg_renderer is not None and _is_svg(fmt):
                svg = to_svg(self)
                return svg if kwargs.get("encoding") else svg.encode("utf-8")
            require_dot()
            out = super().pipe(*args, **kwargs)
            check_output(out, kwargs.get("format", args[0] if args else None) or self.format)
            return out

        def render(self, *args: Any, **kwargs: Any) -> Any:
            require_dot()
            return super().render(*args, **kwargs)

        @property
        def _render(self) -> Any:
            # What render() runs `dot` through, given the format it settled on (format=, the
            # outfile's suffix, or self.format): the file it wrote is checked in that format.
            run = super()._render

            def checked(*args: Any, **kwargs: Any) -> Any:
                written = run(*args, **kwargs)
                _check_file(Path(written), args[1] if len(args) > 1 else kwargs.get("format"))
                return written

            return checked

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
    check_output(data, fmt)
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


SVG_FORMATS = {"svg": False, "svg_inline": False, "svgz": True}
"""Graphviz's output formats that carry SVG (with any `:renderer`), and whether gzipped."""


def check_output(data: bytes | str, fmt: object) -> None:
    """Whatever `dot` wrote in format `fmt`: SVG, gzipped or not, must pass `check_svg`."""
    gzipped = SVG_FORMATS.get(fmt.lower().split(":")[0]) if isinstance(fmt, str) else None
    if gzipped is None:
        return
    if gzipped:
        try:
            data = gzip.decompress(data.encode("latin-1") if isinstance(data, str) else data)
        except (OSError, EOFError, zlib.error) as error:
            raise UnsafeSVGError(f"refused SVG: the {fmt} output is not gzip ({error})") from None
    check_svg(data if isinstance(data, str) else data.decode("utf-8"))


def _is_svg(fmt: object) -> bool:
    """Plain SVG, with any `:renderer`: what a `use_renderer` function writes."""
    return isinstance(fmt, str) and fmt.lower().split(":")[0] == "svg"


def _check_file(path: Path, fmt: object) -> None:
    """check_output on a file graphviz wrote: an unsafe one is deleted, not left behind."""
    if not isinstance(fmt, str) or fmt.lower().split(":")[0] not in SVG_FORMATS:
        return
    try:
        check_output(path.read_bytes(), fmt)
    except UnsafeSVGError:
        path.unlink()
        raise


def _run_dot(graph: graphviz.Digraph | str, fmt: str, timeout: float) -> bytes:
    source = graph if isinstance(graph, str) else graph.source
    if _svg_renderer is not None and _is_svg(fmt):
        return _svg_renderer(source).encode("utf-8")
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
