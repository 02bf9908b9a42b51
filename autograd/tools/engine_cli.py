"""`python -m autograd check-engine FILE.py:CLASS`: `check_engine` on a learner's file.

Prints the report and exits 0 (no findings), 1 (findings) or 2 (bad input: no such file or
class, a file that fails to import, a class that cannot build `Value(1.0) + Value(2.0)`, or no
hypothesis installed), with a one-line error for 2, as the expression CLI does.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from autograd.core.text import printable

EXAMPLE = "python -m autograd check-engine my_engine.py:Value"

DESCRIPTION = (
    "Check your own micrograd-style Value class against stepgrad: random expression graphs on "
    "both engines, each mistake shrunk to the smallest graph that shows it and named (exit "
    "status 0: no findings, 1: findings, 2: bad input). NB: this IMPORTS FILE.py, which RUNS "
    "its code, as `python FILE.py` would (all but an `if __name__ == '__main__':` block): check "
    "only files you trust."
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, status 2, like every other refusal
        self.exit(2, f"error: {printable(message)} (try: {EXAMPLE})\n")


class _BadInput(Exception):
    """A refusal: the message is the one line printed."""


def _arguments() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m autograd check-engine", description=DESCRIPTION,
                     epilog=f"example: {EXAMPLE}")
    parser.add_argument("target", metavar="FILE.py:CLASS",
                        help="the file to import (it runs) and the Value class in it")
    parser.add_argument("--examples", type=int, default=200, metavar="N",
                        help="graphs each check tries at most (default 200)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="which graphs: the same seed gives the same report (default 0)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run `check-engine` with these arguments; returns the exit status."""
    args = _arguments().parse_args(list(argv))
    try:
        cls = _load(args.target)
        try:
            from autograd.tools.checkengine import UnusableEngineError, check_engine
        except ImportError as error:  # hypothesis, a dev dependency
            raise _BadInput(f"check-engine needs hypothesis: pip install hypothesis ({error})"
                            ) from None
        try:
            report = check_engine(cls, examples=args.examples, seed=args.seed)
        except (UnusableEngineError, ValueError) as error:
            raise _BadInput(str(error)) from None
    except _BadInput as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return 2
    print(report)
    return 0 if report else 1


def _load(target: str) -> type:
    """The class named in `FILE.py:CLASS`, importing (running) the file."""
    path, colon, name = target.rpartition(":")
    if not colon or not path or not name:
        raise _BadInput(f"expected FILE.py:CLASS, got {target!r}")
    file = Path(path)
    if not file.is_file():
        raise _BadInput(f"no such file: {path}")
    module = _import(file)
    found = getattr(module, name, None)
    if not isinstance(found, type):
        classes = sorted(k for k, v in vars(module).items()
                         if isinstance(v, type) and v.__module__ == module.__name__)
        there = f"; its classes: {', '.join(classes)}" if classes else "; it defines no class"
        raise _BadInput(f"{path} has no class {name}{there}")
    return found


def _import(file: Path) -> ModuleType:
    """Import `file` as a module of its own: its folder first on sys.path, for its imports."""
    name = f"checked_engine_{abs(hash(file.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise _BadInput(f"cannot import {file}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    sys.path.insert(0, str(file.resolve().parent))
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:  # the learner's code: any failure is bad input
        raise _BadInput(f"importing {file} raised {type(error).__name__}: {error}") from None
    return module
