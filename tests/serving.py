"""A built folder served on 127.0.0.1 for a browser, and the browser pages built into one.

Shared by the site and page tests, the Playground benchmark and the screenshot script.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Files with the types the pages need (ES modules, WebAssembly), and no request log."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript",
                      ".wasm": "application/wasm"}

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 on a free port: yields its root URL, with no trailing /."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build_play(site: Path) -> None:
    """Build the browser pages from this checkout into `site`/play (scripts/build_play.py)."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_play.py"), "--out",
                    str(site / "play")], check=True, cwd=ROOT)
