"""Shared test settings: hypothesis profiles (a quick default, a thorough `ci` one), and the
headless Chromium that the player and notebook tests drive (one per session)."""

import os
from pathlib import Path

import pytest
from hypothesis import settings
from needs import CHROMIUM, CHROMIUM_ARGS, need, need_module

# Subprocesses (the CLI, demos, notebook kernels, JupyterLab) import this checkout's packages,
# not whichever copy is installed in the venv (a worktree shares its main checkout's venv).
ROOT = Path(__file__).resolve().parent.parent
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright; missing either fails under CI, else skips."""
    need(CHROMIUM)
    sync_playwright = need_module("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
