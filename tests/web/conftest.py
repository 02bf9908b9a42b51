"""The browser pages, built once per session from this checkout and served on 127.0.0.1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from needs import need
from serving import build_play, served

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "web"))  # the pages' Python (stepgrad_play), tested in CPython too


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site's root URL: `{site}/play/tutor.html`. Building needs npm (Node)."""
    need("npm")
    out = tmp_path_factory.mktemp("site")
    build_play(out)
    with served(out) as url:
        yield url
