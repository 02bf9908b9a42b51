"""Parameters to and from JSON files: validated completely before anything is changed.

The file is `{"format": "stepgrad.state_dict", "version": 1, "parameters": {name: float}}`.
`save_state` writes a temporary file next to the target and `os.replace`s it in, so an
interrupted save leaves the old file intact (and the next save removes the temporary file a
killed one left). Loading refuses anything but a regular file of at most `MAX_BYTES` before
reading it, then checks every key, type and number.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from nn.checks import check_count, check_number, shown

FORMAT = "stepgrad.state_dict"
VERSION = 1
MAX_BYTES = 16 * 2**20
"""The largest file `load` reads by default (16 MiB, about 300,000 parameters)."""


def check_state(state: object, names: Sequence[str], owner: str = "model") -> list[float]:
    """The values of `state` in the order of `names`, as floats; raise on any mismatch.

    The keys must match `names` one to one: a wrong container, missing, unexpected or repeated
    keys, non-numbers and non-finite numbers are all reported before anything is assigned (the
    caller assigns only after this returns).
    """
    if not isinstance(state, Mapping):
        raise TypeError(
            f"load_state_dict: expected a mapping of parameter names to numbers, "
            f"got {type(state).__name__}"
        )
    keys = list(state)  # read once: a Mapping may yield a key twice, or change as it is read
    known, given = set(names), set(keys)
    missing = [n for n in names if n not in given]
    unexpected = [k for k in keys if k not in known]
    repeated = [k for k, count in Counter(keys).items() if count > 1]
    if missing or unexpected or repeated:
        parts = []
        if missing:
            parts.append(f"missing {_some(missing)}")
        if unexpected:
            parts.append(f"unexpected {_some(unexpected)}")
        if repeated:
            parts.append(f"given more than once {_some(repeated)}")
        raise ValueError(
            f"load_state_dict: state does not match {owner} "
            f"({len(names)} parameters expected, {len(keys)} given): " + "; ".join(parts)
        )
    values = []
    for name in names:
        x = state[name]
        value = check_number(x, f"parameter {name!r}", "load_state_dict")
        if not math.isfinite(value):
            raise ValueError(f"load_state_dict: parameter {name!r} must be finite, "
                             f"got {shown(x)}")
        values.append(value)
    return values


def _some(keys: list[str], limit: int = 5) -> str:
    listed = ", ".join(shown(k) for k in keys[:limit])
    return listed + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def as_path(path: object, where: str) -> Path:
    """`path` (a str or os.PathLike naming a file) as a Path; a clear error for anything else."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: path must be a str or a Path, got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"{where}: path must be a str or a Path, got {type(text).__name__}")
    if not text:
        raise ValueError(f"{where}: path is empty; give a file name such as 'model.json'")
    return Path(text)


def save_state(state: Mapping[str, float], path: str | Path) -> None:
    """Write `state` as JSON to `path` atomically (temp file in the same folder + os.replace).

    A symlink is followed: the file it points to is replaced and the link stays a link.
    """
    path = as_path(path, "save")
    for name, x in state.items():
        value = check_number(x, f"parameter {shown(name)}", "save")  # .data may be anything
        if not math.isfinite(value):
            raise ValueError(f"save: parameter {shown(name)} is {shown(x)}; only finite values "
                             f"are saved")
    text = json.dumps(
        {"format": FORMAT, "version": VERSION, "parameters": dict(state)},
        indent=1, allow_nan=False,
    )
    target = Path(os.path.realpath(path))  # write through a symlink, not over it
    if target.is_symlink():  # realpath stops inside a loop of links: there is no file to write
        raise OSError(f"save: {path} is a loop of symlinks; there is no file to write through to")
    if target.is_dir():
        raise IsADirectoryError(f"save: {path} is a folder; give a file name inside it")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"save: the folder {target.parent} does not exist")
    # mkstemp makes the file owner-only; keep an existing file's mode, else an ordinary 0o644.
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    stem = _temp_stem(target.name)
    _remove_stale_temps(target.parent, stem)
    fd, temp = tempfile.mkstemp(prefix=f"{stem}{os.getpid()}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            f = os.fdopen(fd, "w", encoding="utf-8")
        except BaseException:
            os.close(fd)
            raise
        with f:
            if os.chmod in os.supports_fd:
                os.chmod(f.fileno(), mode)
            else:
                os.chmod(temp, mode)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):  # a failed cleanup must not hide the real error
            os.unlink(temp)
        raise


def _temp_stem(name: str, limit: int = 200) -> str:
    """`.name.`, cut so that a temporary file's name stays within the usual 255-byte limit."""
    while len(os.fsencode(name)) > limit:
        name = name[:-1]
    return f".{name}."


def _remove_stale_temps(folder: Path, stem: str) -> None:
    """Delete temporary files (`.name.<pid>.<random>.tmp`) that a killed save left behind.

    Only this module's own names, and only those whose process is gone (on POSIX; elsewhere,
    those older than an hour). Best effort: a file that cannot be removed is left.
    """
    own = re.compile(re.escape(stem) + r"([0-9]+)\.[a-z0-9_]{8}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            found = own.fullmatch(entry.name)
            if found and entry.is_file(follow_symlinks=False) and _is_stale(entry, found[1]):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _is_stale(entry: os.DirEntry, pid_text: str) -> bool:
    if os.name != "posix":
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > 3600
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # another thread of this process may be saving right now
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path` if it holds at most `limit`; else a ValueError."""
    # O_NONBLOCK: opening a FIFO with no writer returns at once (and is then refused) instead of
    # waiting forever; it changes nothing for a regular file.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"load: {path} is not a regular file")
        if info.st_size > limit:
            raise ValueError(f"load: {path} holds {info.st_size:,} bytes, more than the limit of "
                             f"{limit:,} (pass max_bytes= to allow more)")
        with os.fdopen(fd, "rb") as f:
            fd = -1  # the file object owns it now
            data = f.read(limit + 1)
    finally:
        if fd != -1:
            os.close(fd)
    if len(data) > limit:  # it grew after fstat
        raise ValueError(f"load: {path} holds more than the limit of {limit:,} bytes")
    return data


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, refusing a key given twice (json keeps the last one silently)."""
    document = dict(pairs)
    if len(document) != len(pairs):
        repeated = [k for k, count in Counter(k for k, _ in pairs).items() if count > 1]
        raise ValueError(f"key given more than once: {_some(repeated)}")
    return document


def read_state(path: str | Path, max_bytes: int | None = None) -> dict[str, object]:
    """The parameters mapping stored in a file written by `save_state`; raise if malformed.

    A path that is not a regular file (a folder, a FIFO, a device) or holds more than
    `max_bytes` (default `MAX_BYTES`) is refused before anything is read from it.
    """
    path = as_path(path, "load")
    limit = MAX_BYTES if max_bytes is None else check_count(max_bytes, "max_bytes", "load")
    data = _read_bytes(path, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"load: {path} is not a UTF-8 text file ({error})") from None
    try:
        document = json.loads(text, parse_constant=_no_constants,
                              object_pairs_hook=_unique_keys)  # rejects NaN / Infinity
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"load: {path} is not valid stepgrad JSON ({error})") from None
    except RecursionError:  # e.g. 100,000 nested [ ]: json's decoder recurses
        raise ValueError(f"load: {path} is not valid stepgrad JSON (nested too deeply)") from None
    if not isinstance(document, dict):
        raise ValueError(f"load: {path} must hold a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise ValueError(
            f"load: {path} has format {shown(document.get('format'))}, expected {FORMAT!r}"
        )
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # `true == 1` in Python: check the type
        raise ValueError(
            f"load: {path} has version {shown(version)}, expected {VERSION}"
        )
    parameters = document.get("parameters")
    if not isinstance(parameters, dict):
        raise ValueError(
            f"load: {path} needs a 'parameters' object, got {type(parameters).__name__}"
        )
    return parameters
