"""`python -m autograd "tanh(x*w + b)" x=2 w=-3 b=6.88`: an expression's value and gradients.

`--steps` prints the backward pass step by step, `--svg PATH` draws the graph and `--html PATH`
writes the backward-pass player. Any failure exits with status 2 and one line saying why, never
a traceback; a reader that goes away (`| head`) ends the output quietly.

`python -m autograd check-engine FILE.py:CLASS` checks a learner's own Value class instead
(tools/engine_cli.py).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from autograd.core.text import printable
from autograd.core.value import Value
from autograd.tools.parser import ExpressionError, parse, parse_assignment

USAGE_EXAMPLE = 'python -m autograd "tanh(x*w + b)" x=2 w=-3 b=6.88'
_ASSIGNMENT = re.compile(r"\s*[A-Za-z_]\w*\s*=.*")  # name=number, as parse_assignment reads it


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2, like every other refusal
        if message.startswith("the following arguments are required"):
            # argparse lists `name=number` too, though it may be left out (`python -m autograd 2*3`)
            message = "give an expression; name=number for each of its inputs is optional"
        self.exit(2, f"error: {printable(message)} (try: {USAGE_EXAMPLE})\n")


def _arguments() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m autograd",
        description="Evaluate an expression, backpropagate, print every input's gradient.",
        epilog=f"example: {USAGE_EXAMPLE}   (an expression starting with '-': put -- first)."
               "  To check your own Value class instead: python -m autograd check-engine "
               "FILE.py:CLASS (see its --help; it imports, so runs, FILE.py)",
    )
    parser.add_argument("expression", help="e.g. 'tanh(x*w + b)'")
    parser.add_argument("assignments", nargs="*", metavar="name=number",
                        help="a value for each input of the expression (optional: none for 2*3)")
    parser.add_argument("--steps", action="store_true", help="print each backward step")
    parser.add_argument("--svg", metavar="PATH", help="write the graph as SVG (needs Graphviz)")
    parser.add_argument("--html", metavar="PATH", help="write the backward-pass player")
    return parser


def _table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def _fail(message: str) -> int:
    # Every message is one line: user text in it (a value, a path) shows newlines as \n.
    print(f"error: {printable(message)}", file=sys.stderr)
    return 2


def _check_paths(svg: str | None, html: str | None) -> None:
    """Refuse output paths that could never be written, before any work is done."""
    if svg is not None:
        if not svg.strip():
            raise ExpressionError("--svg needs a file name, not an empty one")
        if not svg.lower().endswith(".svg"):
            raise ExpressionError(f"--svg writes an SVG picture: give a .svg file, not {svg!r}")
    if html is not None and not html.strip():
        raise ExpressionError("--html needs a file name, not an empty one")
    if svg is None and html is None:
        return
    from autograd.viz.player import check_page_path
    from autograd.viz.rendering import check_writable

    if svg is not None:
        check_writable(svg, "--svg")  # an OSError: "cannot write: ..."
    if html is not None:
        try:  # write_player's own check of its path, so it cannot refuse it later
            check_page_path(html, "--html")
        except ValueError:  # not a .html name (`.html` alone has no suffix): OSErrors go on
            raise ExpressionError(f"--html writes a web page: give a .html file, not "
                                  f"{html!r}") from None


def _check_drawable(root: Value, svg: str | None, html: str | None) -> None:
    """Graphviz is there and draw_dot accepts the graph's size: checked before any output.

    The drawings come after backward (they show the grads); these are draw_dot's and the
    player's own size checks, said in the CLI's terms (it has no max_depth or collapse to
    suggest): so `--html` never starts hundreds of slow `dot` runs.
    """
    if svg is None and html is None:
        return
    from autograd.viz.dot import DEFAULT_MAX_NODES, GraphTooBigError, draw_dot
    from autograd.viz.frames import PLAYER_MAX_NODES, PLAYER_MAX_WORK, PlayerTooBigError, check_work
    from autograd.viz.rendering import require_dot, require_graphviz

    require_graphviz()
    require_dot()
    limits = {"--svg": (svg, DEFAULT_MAX_NODES), "--html": (html, PLAYER_MAX_NODES)}
    for option, (path, most) in limits.items():
        if path is not None:
            try:
                draw_dot(root, max_nodes=most)
            except GraphTooBigError as error:
                raise ExpressionError(f"{option}: the graph has {error.count:,} nodes, more "
                                      f"than the {error.limit:,} that {option} draws") from None
    if html is not None:
        try:
            check_work(root, PLAYER_MAX_WORK, None, "--html")
        except PlayerTooBigError as error:
            raise ExpressionError(
                f"--html: {error.frames:,} steps of {error.nodes:,} nodes each is "
                f"{error.count:,} node-frames to draw, more than the {error.limit:,} that "
                f"--html draws (one dot run per step)") from None


def _write_outputs(root: Value, svg: str | None, html: str | None) -> list[str]:
    """--svg and --html: the files written, and the lines saying so (printed after all else
    succeeded). The viz package is imported only when asked for."""
    said = []
    if svg is not None:
        from autograd.viz import draw_dot, to_svg

        text = to_svg(draw_dot(root))  # never waits on `dot` longer than its timeout
        Path(svg).parent.mkdir(parents=True, exist_ok=True)  # as --html and render() do
        with open(svg, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        said.append(f"wrote {printable(svg)}")
    if html is not None:
        from autograd.viz import write_player

        root.zero_grad()  # the player runs its own pass: from zero, so it ends at these grads
        write_player(root, html)
        said.append(f"wrote {printable(html)}")
    return said


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (2 for any refused input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "check-engine" and not (argv[1:] and all(
            _ASSIGNMENT.fullmatch(a) for a in argv[1:])):  # `check-engine x=1` stays a subtraction
        from autograd.tools.engine_cli import main as check_engine

        return check_engine(argv[1:])
    parser = _arguments()
    # Options may come anywhere; after `--` everything is positional (for `-- -x x=2`).
    args = parser.parse_args(argv) if "--" in argv else parser.parse_intermixed_args(argv)
    try:
        _check_paths(args.svg, args.html)
        expression = parse(args.expression)
        inputs: dict[str, Value] = {}
        for text in args.assignments:
            name, value = parse_assignment(text)
            if name in inputs:
                raise ExpressionError(f"{name} is given twice")
            inputs[name] = Value(value, name)
        root = expression.evaluate(inputs)
        _check_drawable(root, args.svg, args.html)
    except ExpressionError as error:
        return _fail(str(error))
    except ImportError as error:
        return _fail(f"drawing needs the viz extra and Graphviz ({error})")
    except RuntimeError as error:  # DotNotFoundError: says how to install Graphviz
        return _fail(str(error))
    except OSError as error:  # an output path that could not be written
        return _fail(f"cannot write: {error}")
    # Everything is computed and written first, then printed: a failure prints nothing but
    # its one line (the checks above are the libraries' own, so it should not happen).
    report: list[str] = []
    try:
        if args.steps:
            for step in root.backward_steps():
                report.append(step.heading)
                report.append("  " + str(step).replace("\n", "\n  "))
            report.append("")
        else:
            root.backward()
    except ArithmeticError as error:  # e.g. sqrt'(0): the derivative is not finite there
        return _fail(str(error))
    report.append(f"{expression.text.strip()} = {root.data!r}")
    rows = [("input", "value", "gradient")]
    rows += [(name, repr(leaf.data), repr(leaf.grad)) for name, leaf in inputs.items()]
    report.append(_table(rows))
    try:
        report += _write_outputs(root, args.svg, args.html)
    except ImportError as error:
        return _fail(f"drawing needs the viz extra and Graphviz ({error})")
    except TimeoutError as error:  # an OSError, but nothing failed to be written
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot write: {error}")
    except (ValueError, RuntimeError) as error:  # dot failed, or a drawing was refused
        return _fail(str(error))
    print("\n".join(report))
    return 0


def run() -> int:
    """`main()` for the command line: a closed pipe (`| head -2`) ends the output quietly."""
    try:
        status = main()
        sys.stdout.flush()  # inside the try: a broken pipe shows up here, not at exit
    except BrokenPipeError:
        # As Python's docs advise: point stdout at devnull so the flush at exit stays silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status

