"""What each `make` target sets up: the demo Graphviz only, the tests Chromium too, lab Jupyter."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from needs import need

ROOT = Path(__file__).resolve().parent.parent


def planned(target: str, tmp_path: Path) -> list[str]:
    """The commands `make target` would run on a fresh clone (-n: print only; -B: as if new)."""
    done = subprocess.run([need("make"), "-n", "-B", "--no-print-directory", target,
                           f"VENV={tmp_path / 'venv'}"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


@pytest.mark.parametrize(("target", "programs", "extras"), [
    ("demo", "graphviz", "'.[demos]'"),
    ("test", "graphviz chromium node", "'.[dev,demos,docs]'"),
    ("play", "node", "'.[viz]'"),
    ("lab", "graphviz", "'.[notebooks]'"),
])
def test_each_target_installs_only_what_it_needs(tmp_path, target, programs, extras):
    commands = planned(target, tmp_path)
    assert [c for c in commands if "system-deps.sh" in c] == [
        f"bash scripts/system-deps.sh {programs}"]
    installs = [c for c in commands if "pip install" in c and "-e" in c]
    assert len(installs) == 1 and installs[0].endswith(f"-e {extras}")


def test_the_site_is_the_docs_then_the_browser_pages_and_serves_on_localhost(tmp_path):
    site = planned("site", tmp_path)
    assert [c for c in site if "system-deps.sh" in c] == ["bash scripts/system-deps.sh node"]
    installs = [c for c in site if "pip install" in c and "-e" in c]
    assert [c.rsplit(" ", 1)[1] for c in installs] == ["'.[docs]'", "'.[viz]'"]
    mkdocs = tmp_path / "venv" / "bin" / "mkdocs"
    build = [i for i, c in enumerate(site) if "mkdocs build" in c or "build_play.py" in c]
    assert [site[i] for i in build][0] == (
        f"NO_MKDOCS_2_WARNING=true {mkdocs} build --strict --site-dir out/site")
    assert len(build) == 2 and "build_play.py" in site[build[1]]  # after: mkdocs empties out/site
    serve = planned("serve", tmp_path)
    assert serve[-1].endswith("-m http.server --bind 127.0.0.1 -d out/site 8000")


def test_system_deps_refuses_a_name_it_does_not_know():
    done = subprocess.run(["bash", str(ROOT / "scripts/system-deps.sh"), "graphviz", "firefox"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "not 'firefox'" in done.stderr
