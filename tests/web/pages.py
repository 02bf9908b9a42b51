"""Driving a page in headless Chromium: what it fetched, what it logged, a screenshot on failure."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

# Here, not imported from conftest: "conftest" is whichever conftest.py pytest imported last
# (tests/notebooks/ has one too), so `pytest tests/web tests/notebooks` failed to collect.
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"

# Every control has a name a screen reader reads: a <label>, aria-label, or its own text.
UNLABELLED_JS = """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter(c => c.type !== 'hidden' && !(c.labels && c.labels.length)
               && !c.getAttribute('aria-label') && !c.textContent.trim())
  .map(c => c.outerHTML.slice(0, 120))"""


class Page:
    """A page of the site, loaded until `window.stepgradReady` resolved; its errors and requests."""

    def __init__(self, browser, url: str) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # Every wait (load, a run's output, a click's target) returns once its condition holds:
        # 60 s is headroom for Pyodide on a loaded 2-core machine (the page loads in ~4 s idle).
        self.page.set_default_timeout(60_000)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        started = time.perf_counter()
        self.page.goto(url)
        # evaluate() itself never times out: a boot that hangs fails here instead of hanging.
        self.page.evaluate("""async () => { await Promise.race([window.stepgradReady,
            new Promise((_, fail) => setTimeout(() => fail(new Error(
                "the page was not ready after 120 s")), 120000))]); }""")
        self.load_seconds = time.perf_counter() - started

    def testid(self, name: str):
        return self.page.get_by_test_id(name)

    def text(self, name: str) -> str:
        return self.testid(name).text_content()

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests
                if urlsplit(url).hostname != "127.0.0.1" and not url.startswith("data:")]

    def check_clean(self) -> None:
        """No request left 127.0.0.1, nothing was logged as an error, every control is labelled."""
        assert self.foreign_requests() == []
        assert self.errors == []
        assert self.page.evaluate(UNLABELLED_JS) == []


@contextlib.contextmanager
def opened(browser, url: str, name: str) -> Iterator[Page]:
    """The page; if the test fails, its errors and text are printed and a screenshot kept
    in out/test-artifacts/<name>.png."""
    page = Page(browser, url)
    print(f"\n{name}: load to interactive {page.load_seconds:.2f} s")
    try:
        yield page
    except BaseException:
        # CI keeps only the log: what the page logged and showed is printed, then the screenshot.
        print(f"{name}: page errors {page.errors}")
        with contextlib.suppress(Exception):
            print(f"{name}: the page's text ends\n{page.page.inner_text('body')[-3000:]}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
    finally:
        page.page.close()
