"""`python -m autograd`: the command line (autograd/tools/cli.py)."""

from autograd.tools.cli import run

if __name__ == "__main__":
    raise SystemExit(run())
