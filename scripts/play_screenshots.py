"""The README gallery's pictures of the pages: docs/images/play/{tutor,playground,console}.png.

    python scripts/play_screenshots.py [--site DIR]

Builds the pages (unless --site names a built out/site), serves them on 127.0.0.1, drives each
page in headless Chromium as a learner would, and writes one screenshot per page.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
OUT = ROOT / "docs" / "images" / "play"

from needs import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from serving import build_play, served  # noqa: E402


def tutor(page) -> None:
    page.get_by_test_id("step-next").click()
    page.get_by_test_id("step-next").click()


def playground(page) -> None:
    page.get_by_test_id("train").click()
    page.wait_for_function("() => Number(document.querySelector('[data-testid=steps-done]')"
                           ".textContent) >= 150", timeout=120_000)
    page.get_by_test_id("train").click()
    page.get_by_test_id("neuron-0-2").click()


def console(page) -> None:
    page.get_by_test_id("run").click()
    page.wait_for_selector("[data-testid=output] svg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp)
            build_play(site)
        with served(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, drive in (("tutor", tutor), ("playground", playground),
                                ("console", console)):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"{url}/play/{name}.html")
                page.evaluate("async () => { await window.stepgradReady; }")
                drive(page)
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"wrote {OUT / f'{name}.png'}")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
