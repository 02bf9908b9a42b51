"""HIPS autograd (PyPI's `autograd`) shares our import name: installed beside stepgrad, importing
either of our packages fails at once with an error naming it and the fix, never later and vaguely.

Each case installs a fake distribution in a temporary site folder and imports in a fresh Python.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fake_hips(site: Path, *, package: bool) -> None:
    """What `pip install autograd==1.6.2` leaves: its metadata, and (if `package`) its code."""
    info = site / "autograd-1.6.2.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.6.2\n\n"
                                   "Efficiently computes derivatives of numpy code.\n")
    if package:
        (site / "autograd").mkdir()
        (site / "autograd" / "__init__.py").write_text('"""HIPS autograd (fake)."""\n'
                                                        "def grad(fun): ...\n")


def run(code: str, path: list[Path], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path))}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def test_ours_first_refuses_naming_the_other_distribution_and_the_fix(tmp_path):
    site = tmp_path / "site"
    fake_hips(site, package=True)
    done = run("import autograd", [ROOT, site], tmp_path)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: stepgrad's `autograd` package and the PyPI "
                           "distribution autograd 1.6.2 (HIPS autograd, ")
    assert str(site / "autograd-1.6.2.dist-info") in last
    assert last.endswith("Fix: pip uninstall autograd, then reinstall stepgrad (in your clone: "
                         "pip install -e .), or keep HIPS autograd in a virtual environment of "
                         "its own")


def test_theirs_first_nn_refuses_naming_it(tmp_path):
    site = tmp_path / "site"
    fake_hips(site, package=True)
    done = run("import nn", [site, ROOT], tmp_path)  # HIPS's autograd is found first
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: nn needs stepgrad's autograd, but `import autograd` "
                           f"found another package of that name at {site / 'autograd'}")
    assert "Fix: pip uninstall autograd" in last


def test_without_the_other_distribution_nothing_is_said(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "autograd_extras-1.0.dist-info").mkdir()  # a name that only starts alike
    done = run("import nn, autograd; print(autograd.Value(2.0) * 3)", [ROOT, site], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Value(6.0, grad=0.0, op='*')\n" and done.stderr == ""
