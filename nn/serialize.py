"""Parameters to and from JSON files: validated completely before anything is changed.

The file is `{"format": "stepgrad.state_dict", "version": 1, "parameters": {name: float}}`.
`save_state` writes a temporary file next to the target and `os.replace`s it in, so an
interrupted save leaves the old file intact. Loading checks every key, type and number first.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from nn.module import check_number, shown

FORMAT = "stepgrad.state_dict"
VERSION = 1


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


def save_state(state: Mapping[str, float], path: str | Path) -> None:
    """Write `state` as JSON to `path` atomically (temp file in the same folder + os.replace)."""
    path = Path(path)
    for name, x in state.items():
        if not math.isfinite(x):
            raise ValueError(f"save: parameter {name!r} is {x!r}; only finite values are saved")
    text = json.dumps(
        {"format": FORMAT, "version": VERSION, "parameters": dict(state)},
        indent=1, allow_nan=False,
    )
    # mkstemp makes the file owner-only; keep an existing file's mode, else an ordinary 0o644.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, refusing a key given twice (json keeps the last one silently)."""
    document = dict(pairs)
    if len(document) != len(pairs):
        repeated = [k for k, count in Counter(k for k, _ in pairs).items() if count > 1]
        raise ValueError(f"key given more than once: {_some(repeated)}")
    return document


def read_state(path: str | Path) -> dict[str, object]:
    """The parameters mapping stored in a file written by `save_state`; raise if malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
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
