"""The browser pages, built once per session from this checkout and served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from needs import need

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "web"))  # the pages' Python (stepgrad_play), tested in CPython too
ARTIFACTS = ROOT / "out" / "test-artifacts"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript",
                      ".wasm": "application/wasm"}

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site's root URL: `{site}/play/tutor.html`. Building needs npm (Node)."""
    need("npm")
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_play.py"), "--out",
                    str(out / "play")], check=True, cwd=ROOT)
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
