"""Shared test settings: hypothesis profiles (a quick default, a thorough `ci` one), and the
headless Chromium that the player and notebook tests drive (one per session)."""

import os

import pytest
from hypothesis import settings
from needs import CHROMIUM, CHROMIUM_ARGS, need, need_module

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
