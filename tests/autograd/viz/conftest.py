"""The headless Chromium the player tests open pages in (FAILS under CI if missing, else skips)."""

from __future__ import annotations

import pytest
from viz_helpers import CHROMIUM, need, need_module

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    need(CHROMIUM)
    sync_playwright = need_module("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
