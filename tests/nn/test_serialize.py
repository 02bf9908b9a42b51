"""save / load: exact round trips, atomic writes, and bad files that change nothing."""

import json
import math
import os

import pytest

from nn import MLP


def make():
    return MLP(2, [3, 1], rng=0)


def test_save_load_round_trips_exactly(tmp_path):
    a, b = make(), MLP(2, [3, 1], rng=99)
    path = tmp_path / "model.json"
    a.save(path)
    b.load(path)
    assert b.state_dict() == a.state_dict()  # exact floats, not approximately
    x = [0.25, -1.5]
    assert b(x)[0].data == a(x)[0].data


def test_save_replaces_an_existing_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "model.json"
    make().save(path)
    MLP(2, [3, 1], rng=5).save(path)
    assert os.listdir(tmp_path) == ["model.json"]
    loaded = make()
    loaded.load(path)
    assert loaded.state_dict() == MLP(2, [3, 1], rng=5).state_dict()


def test_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    make().save(path)
    before = path.read_bytes()

    def crash(*args):
        raise KeyboardInterrupt  # as if the process were stopped mid-save

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        MLP(2, [3, 1], rng=5).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]  # the temp file is cleaned up


def test_saving_a_nan_parameter_refuses_and_writes_nothing(tmp_path):
    model = make()
    model.parameters()[0].data = math.nan
    with pytest.raises(ValueError, match="finite"):
        model.save(tmp_path / "model.json")
    assert os.listdir(tmp_path) == []


def good_document():
    return {"format": "stepgrad.state_dict", "version": 1, "parameters": make().state_dict()}


def with_parameters(change):
    doc = good_document()
    change(doc["parameters"])
    return json.dumps(doc)


def first(params):
    return next(iter(params))


BAD_FILES = {
    "not json": "{ this is not json",
    "truncated": json.dumps(good_document())[:-20],
    "empty": "",
    "a list": "[1, 2, 3]",
    "wrong format": json.dumps({**good_document(), "format": "pickle"}),
    "wrong version": json.dumps({**good_document(), "version": 2}),
    "version true": json.dumps({**good_document(), "version": True}),
    "no parameters": json.dumps({"format": "stepgrad.state_dict", "version": 1}),
    "parameters a list": json.dumps({**good_document(), "parameters": [1.0]}),
    "missing key": with_parameters(lambda p: p.pop("layers.1.neurons.0.b")),
    "a key twice": json.dumps(good_document()).replace(  # json.loads keeps the last silently
        '"parameters": {', '"parameters": {"layers.1.neurons.0.b": 0.5, ', 1),
    "unexpected key": with_parameters(lambda p: p.update({"layers.2.neurons.0.b": 0.0})),
    "other shape": json.dumps({**good_document(), "parameters": MLP(2, [4, 1]).state_dict()}),
    "a string value": with_parameters(lambda p: p.update({first(p): "0.5"})),
    "a NaN string": with_parameters(lambda p: p.update({first(p): "NaN"})),
    "a bool value": with_parameters(lambda p: p.update({first(p): True})),
    "a null value": with_parameters(lambda p: p.update({first(p): None})),
    "a list value": with_parameters(lambda p: p.update({first(p): [0.5]})),
    "a NaN literal": with_parameters(lambda p: p.update({first(p): math.nan})),
    "an Infinity literal": with_parameters(lambda p: p.update({first(p): -math.inf})),
    "a huge integer": with_parameters(lambda p: p.update({first(p): 10**400})),
    "deeply nested": "[" * 100_000 + "]" * 100_000,  # json's decoder recurses
    "a deeply nested value": with_parameters(lambda p: p.update({first(p): 0.0})).replace(
        "0.0", "[" * 100_000 + "]" * 100_000, 1),
    "a huge number": with_parameters(lambda p: p.update({first(p): 1e400})).replace("Infinity",
                                                                                      "1e400"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_raise_a_clear_error_and_change_nothing(tmp_path, name):
    path = tmp_path / "bad.json"
    path.write_text(BAD_FILES[name], encoding="utf-8")
    model = make()
    before = model.state_dict()
    with pytest.raises((ValueError, TypeError)) as info:
        model.load(path)
    assert str(info.value)  # says what was expected and what was given
    assert model.state_dict() == before


def test_bad_file_messages_name_the_problem(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(BAD_FILES["missing key"], encoding="utf-8")
    with pytest.raises(ValueError, match="missing 'layers.1.neurons.0.b'"):
        make().load(path)
    path.write_text(BAD_FILES["a string value"], encoding="utf-8")
    with pytest.raises(TypeError, match="must be a number, got str"):
        make().load(path)
    path.write_text(BAD_FILES["a key twice"], encoding="utf-8")
    with pytest.raises(ValueError, match="key given more than once: 'layers.1.neurons.0.b'"):
        make().load(path)


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda p: p.update({first(p): 10**400}), ValueError, "got an int with 401 digits"),
    (lambda p: p.update({first(p): -(10**400)}), ValueError, "got a negative int with 401 digits"),
    (lambda p: p.update({first(p): "x" * 1000}), TypeError, "got str ('xxxxxxxxxxxxxxxxx...xxx"),
])
def test_big_values_are_described_correctly_and_briefly(tmp_path, change, error, message):
    # `{x!r:.40}` cut 10**400 to forty digits: a different, wrong number.
    path = tmp_path / "bad.json"
    path.write_text(with_parameters(change), encoding="utf-8")
    with pytest.raises(error) as info:
        make().load(path)
    assert message in str(info.value) and len(str(info.value)) < 200


def test_deep_nesting_is_a_clear_value_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(BAD_FILES["deeply nested"], encoding="utf-8")
    with pytest.raises(ValueError, match="not valid stepgrad JSON"):
        make().load(path)


def test_huge_format_and_version_values_are_described_briefly(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**good_document(), "format": "f" * 10_000}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"has format 'f+\.\.\.f+', expected") as info:
        make().load(path)
    assert len(str(info.value)) < 200
    path.write_text(json.dumps({**good_document(), "version": 10**400}), encoding="utf-8")
    with pytest.raises(ValueError, match="has version an int with 401 digits, expected 1"):
        make().load(path)


def test_binary_garbage_and_missing_files(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    model = make()
    before = model.state_dict()
    with pytest.raises(ValueError, match="UTF-8"):
        model.load(path)
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "missing.json")
    assert model.state_dict() == before


def test_load_state_dict_validates_everything_before_assigning():
    model = make()
    before = model.state_dict()
    state = dict(before)
    names = list(state)
    state[names[0]] = 123.0  # a good value first ...
    state[names[-1]] = "oops"  # ... and a bad one last: nothing may be assigned
    with pytest.raises(TypeError, match=names[-1]):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(TypeError, match="mapping"):
        model.load_state_dict([1.0, 2.0])


def test_saved_files_are_readable_like_ordinary_files(tmp_path):
    path = tmp_path / "model.json"
    make().save(path)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    make().save(path)  # an existing file keeps its mode
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make().save("model.json")
    assert json.loads((tmp_path / "model.json").read_text())["format"] == "stepgrad.state_dict"


def test_load_refuses_a_file_over_the_limit_before_reading_it(tmp_path, monkeypatch):
    from nn import serialize

    path = tmp_path / "model.json"
    make().save(path)
    size = path.stat().st_size
    model = MLP(2, [3, 1], rng=5)
    before = model.state_dict()
    with pytest.raises(ValueError, match=rf"holds {size:,} bytes, more than the limit of 100 "):
        model.load(path, max_bytes=100)
    monkeypatch.setattr(serialize, "MAX_BYTES", size - 1)  # the default limit is MAX_BYTES
    with pytest.raises(ValueError, match="more than the limit"):
        model.load(path)
    assert model.state_dict() == before
    model.load(path, max_bytes=size)  # exactly the limit is fine
    assert model.state_dict() == make().state_dict()
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        model.load(path, max_bytes=0)


def test_the_size_check_comes_before_reading(tmp_path):
    import tracemalloc

    path = tmp_path / "big.json"
    with open(path, "wb") as f:  # 200 MB, sparse: takes no disk space and no time
        f.truncate(200 * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="209,715,200 bytes, more than the limit of "
                                             "16,777,216"):
            make().load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Nothing of the file was read into memory (reading up to the limit first would hold 16 MiB
    # and name no size in its message): measured, not timed, so a loaded machine cannot fail it.
    assert peak < 2**20


def test_load_refuses_what_is_not_a_regular_file_without_waiting(tmp_path):
    import threading

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    errors = []
    model = make()
    before = model.state_dict()
    worker = threading.Thread(target=lambda: errors.append(pytest.raises(ValueError, model.load,
                                                                        fifo)), daemon=True)
    worker.start()
    worker.join(60)  # returns as soon as load() does: generous for a loaded machine
    if worker.is_alive():  # unblock the reader so the suite does not hang, then fail
        os.close(os.open(fifo, os.O_WRONLY))
        pytest.fail("load() waited on a FIFO")
    assert "is not a regular file" in str(errors[0].value)
    for odd in (tmp_path, "/dev/zero"):
        with pytest.raises(ValueError, match="is not a regular file"):
            model.load(odd)
    assert model.state_dict() == before


@pytest.mark.parametrize(("path", "error", "message"), [
    ("", ValueError, "save: path is empty"),
    (3, TypeError, "save: path must be a str or a Path, got int"),
    (b"model.json", TypeError, "got bytes"),
])
def test_bad_save_paths_are_clear_errors(path, error, message):
    with pytest.raises(error, match=message):
        make().save(path)
    with pytest.raises(error, match=message.replace("save", "load")):
        make().load(path)


def test_save_into_a_folder_or_a_missing_folder_says_so(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder"):
        make().save(tmp_path)
    with pytest.raises(FileNotFoundError, match="the folder .*missing does not exist"):
        make().save(tmp_path / "missing" / "model.json")
    assert os.listdir(tmp_path) == []


def test_save_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    make().save(real)
    link.symlink_to(real)
    MLP(2, [3, 1], rng=5).save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    loaded = make()
    loaded.load(real)
    assert loaded.state_dict() == MLP(2, [3, 1], rng=5).state_dict()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


def test_a_long_file_name_saves(tmp_path):
    path = tmp_path / ("m" * 250 + ".json")  # 255 bytes: the most a name may have
    make().save(path)
    make().save(path)
    assert os.listdir(tmp_path) == [path.name]


def test_a_killed_save_leaves_a_temp_file_that_the_next_save_removes(tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "model.json"
    make().save(path)
    script = (  # stop for good inside the write: after the temp file exists, before replace
        "import os, signal, sys; sys.path.insert(0, sys.argv[2]); import nn\n"
        "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "nn.MLP(2, [3, 1], rng=5).save(sys.argv[1])\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-c", script, str(path), root], timeout=60)
    assert done.returncode == -signal.SIGKILL
    left = [name for name in os.listdir(tmp_path) if name != "model.json"]
    assert len(left) == 1 and left[0].startswith(".model.json.") and left[0].endswith(".tmp")
    mine = tmp_path / f".model.json.{os.getpid()}.abcdefgh.tmp"  # a live process's: kept
    other = tmp_path / ".model.json.notes.tmp"  # not a name save() writes: kept
    mine.write_text("in progress")
    other.write_text("mine")
    make().save(path)
    assert sorted(os.listdir(tmp_path)) == sorted(["model.json", mine.name, other.name])


def test_a_failing_chmod_closes_the_temp_file_and_removes_it(tmp_path, monkeypatch):
    opened = set(os.listdir("/proc/self/fd"))

    def refuse(*args, **kwargs):
        raise PermissionError("chmod refused")

    monkeypatch.setattr(os, "chmod", refuse)
    with pytest.raises(PermissionError, match="chmod refused"):
        make().save(tmp_path / "model.json")
    assert set(os.listdir("/proc/self/fd")) <= opened  # no descriptor left open
    assert os.listdir(tmp_path) == []


def test_a_failing_cleanup_does_not_hide_the_real_error(tmp_path, monkeypatch):
    def crash(*args):
        raise OSError("disk full")

    def no_unlink(*args):
        raise PermissionError("cannot remove")

    monkeypatch.setattr(os, "replace", crash)
    monkeypatch.setattr(os, "unlink", no_unlink)
    with pytest.raises(OSError, match="disk full"):
        make().save(tmp_path / "model.json")


def test_saving_a_parameter_that_is_not_a_number_says_which(tmp_path):
    model = make()
    model.parameters()[1].data = "0.5"
    with pytest.raises(TypeError, match=r"save: parameter 'layers.0.neurons.0.w.1' must be a "
                                        r"number, got str"):
        model.save(tmp_path / "model.json")
    assert os.listdir(tmp_path) == []


def test_save_refuses_a_loop_of_symlinks_and_keeps_the_links(tmp_path):
    a, b = tmp_path / "l1.json", tmp_path / "l2.json"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError, match="is a loop of symlinks"):
        MLP(2, [2], rng=0).save(a)
    assert a.is_symlink() and b.is_symlink()
