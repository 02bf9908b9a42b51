"""Anomaly mode: remember where each node was made, and stop at the first nan/inf or domain error.

Off by default and free when off: `apply` and `gradients` call into this module only while
`detect_anomaly()` is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from autograd import mode


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """While on, nodes remember the source line that made them, and nan/inf raise at once."""
    with mode.switched(anomaly=True):
        yield


def on_forward(out: Any) -> None:
    """Called for every node made while anomaly mode is on."""


def on_domain_error(message: str) -> str:
    """Called with a domain error's message while anomaly mode is on; returns what to raise."""
    return message


def on_gradients(order: list, grads: dict) -> None:
    """Called after a backward pass computed `grads` while anomaly mode is on."""
