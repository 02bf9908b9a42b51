"""Waiting for a browser page to settle (layout, scroll snapping) without a fixed sleep.

A fixed `wait_for_timeout` is too short on a loaded machine and wasted time on an idle one.
"""

from __future__ import annotations

import contextlib
from typing import Any


def settled(page: Any, condition: str, timeout_ms: float = 30_000) -> None:
    """Wait until the JS `condition` holds, at most `timeout_ms` (generous: layout on a loaded
    2-core machine); if it never does, return anyway: the test's own assertion then says what
    is wrong, with what it measured."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(condition, timeout=timeout_ms)
