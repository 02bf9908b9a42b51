"""Peak resident memory of one workload run, measured in a fresh process (Linux).

The parent starts `bench_engine.py --peak-rss WORKLOAD SIZE`; the child sets the workload's inputs
up, resets its own peak RSS to its current RSS (`/proc/self/clear_refs`), runs the workload once
(build, backward, free), and prints the peak RSS it reached minus the RSS it started from. A fresh
process, so nothing an earlier workload left in Python's allocator arenas is reused; the reset, so
no peak from start-up or set-up is mistaken for the workload's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_bytes(field: str) -> int:
    """A `VmRSS`/`VmHWM` line of /proc/self/status, in bytes."""
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024  # the kernel writes kB
    raise OSError(f"peak_rss: no {field} in {_STATUS}")


def available() -> bool:
    """Whether this system lets a process read and reset its peak RSS (Linux 4.0 and later)."""
    try:
        _status_bytes("VmHWM")
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def child(work: Callable[[], object]) -> None:
    """In the child: run `work` once, free what it returns, and print the peak RSS growth.

    Prints null for the growth where the peak cannot be read and reset (not Linux).
    """
    if not available():
        print(json.dumps({"growth": None}))
        return
    _CLEAR_REFS.write_text("5")  # "5": reset the peak (VmHWM) to the current RSS
    start = _status_bytes("VmRSS")
    result = work()
    del result  # freeing lowers RSS, never the peak: the order does not matter
    print(json.dumps({"growth": _status_bytes("VmHWM") - start}))


def measure(script: Path, workload: str, size: int, timeout: float = 600) -> int | None:
    """Peak RSS growth in bytes of one run of `workload` at `size`, in a fresh process.

    None where the system cannot tell (see `child`).
    """
    done = subprocess.run([sys.executable, str(script), "--peak-rss", workload, str(size)],
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"peak RSS of {workload} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])["growth"]
