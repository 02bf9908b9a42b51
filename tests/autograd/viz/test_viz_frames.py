"""The backprop player without a browser: frames, the grads they show, and the page's text."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest
from viz_helpers import need, neuron, parse_svg

from autograd import Value
from autograd.viz import frames_folder, player_html, step_frames, write_player
from autograd.viz.frames import Frame


def test_frames_show_the_grads_as_they_are_at_each_step(tmp_path):
    need("dot")
    o, _ = neuron()
    frames = sorted(frames_folder(write_player(o, tmp_path / "p.html")).glob("*.svg"))
    first, last = parse_svg(frames[0].read_text()), parse_svg(frames[-1].read_text())
    grads_first = {t[0]: first.field_of(k, "grad") for k, t in first.records().items()}
    grads_last = {t[0]: last.field_of(k, "grad") for k, t in last.records().items()}
    assert grads_first["o"] == 1.0 and grads_first["x1"] == 0.0 and grads_first["n"] == 0.0
    assert grads_last["x1"] == -1.5 and grads_last["w1"] == 1.0 and grads_last["n"] == 0.5
    # The step's node is filled: in frame 1 that is o (the tanh step).
    assert any("#ff7043" in fill for fill in parse_svg(frames[1].read_text()).fills.values())
    # Marks are colours and xlabels (placed after layout): every frame has the same size.
    sizes = {re.search(r'viewBox="([^"]*)"', f.read_text()).group(1) for f in frames}
    assert len(sizes) == 1


def test_the_player_seeds_the_pass_with_grad(tmp_path):
    need("dot")
    o, v = neuron()
    frames = sorted(frames_folder(write_player(o, tmp_path / "p.html", grad=2.0)).glob("*.svg"))
    last = parse_svg(frames[-1].read_text())
    grads = {t[0]: last.field_of(k, "grad") for k, t in last.records().items()}
    assert grads["o"] == 2.0 and grads["x1"] == -3.0 and math.isclose(v["x1"].grad, -3.0)


def test_page_is_self_contained():
    frame = Frame(0, "step 0", "y.grad = 1.0 (seed)", '<?xml version="1.0"?>\n<svg>x</svg>')
    page = player_html([frame], "t </title>")
    assert "<?xml" not in page and "<svg>x</svg>" not in page  # inlined as escaped JSON
    assert "\\u003csvg>x\\u003c/svg>" in page and "t &lt;/title&gt;" in page
    for reference in ("http://", "https://", " src=", " href="):
        assert reference not in page.replace("http://www.w3.org", "")


def test_write_player_needs_an_html_path(tmp_path):
    with pytest.raises(ValueError, match=".html"):
        write_player(neuron()[0], tmp_path / "player.svg")



def test_frames_refuse_collapse_before_touching_any_grad():
    o, v = neuron()
    with pytest.raises(ValueError, match="collapse=True"):
        step_frames(o, collapse=True)
    assert o.grad == 0.0 and v["x1"].grad == 0.0


def chain(length: int) -> Value:
    x = Value(0.5, "x")
    out = x
    for _ in range(length):
        out = out * 1.0
    return out


def test_the_player_refuses_more_work_than_max_work_before_touching_any_grad(tmp_path):
    root = chain(80)  # 81 frames of 161 nodes: 13,041 node-frames
    with pytest.raises(ValueError, match=r"81 frames of 161 nodes each is 13,041 node-frames, "
                                         r"more than max_work=5,000"):
        write_player(root, tmp_path / "p.html")
    assert root.grad == 0.0 and list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="more than max_work=100"):
        step_frames(chain(10), max_work=100)  # 11 frames of 21 nodes: 231
    with pytest.raises(TypeError, match="max_work must be an int"):
        step_frames(chain(1), max_work=1e9)


def test_max_depth_lowers_the_work_counted(tmp_path):
    from autograd.viz.frames import player_work

    assert player_work(chain(80), max_depth=4) == (81, 9)  # 4 products, their constants, x


def test_all_dot_runs_share_one_timeout(monkeypatch):
    given: list[float] = []
    # A clock that moves only while `dot` runs: the budget's arithmetic is checked exactly,
    # whatever else the machine is doing (a real sleep overran by a loaded machine would not).
    now = [1000.0]

    def slow_svg(source: str, *, timeout: float) -> str:  # a `dot` that takes 0.3 s per frame
        given.append(timeout)
        now[0] += min(timeout, 0.3)
        if timeout < 0.3:
            raise TimeoutError("dot took too long")
        return "<svg xmlns='http://www.w3.org/2000/svg'/>"

    monkeypatch.setattr("autograd.viz.frames.to_svg", slow_svg)
    monkeypatch.setattr("autograd.viz.frames.time", SimpleNamespace(monotonic=lambda: now[0]))
    monkeypatch.setattr("autograd.viz.frames.os.cpu_count", lambda: 1)  # one run at a time
    with pytest.raises(TimeoutError, match="took more than 0.5s together"):
        step_frames(chain(5), timeout=0.5)  # 6 frames: 1.8 s of dot, more than 0.5 s in all
    # The first run gets the whole budget, the second what is left; then no further dot starts.
    assert given == [0.5, pytest.approx(0.2)]


def test_after_one_frame_fails_no_further_dot_starts(monkeypatch):
    calls: list[str] = []

    def failing_svg(source: str, *, timeout: float) -> str:
        calls.append(source)
        raise RuntimeError("dot -Tsvg failed: out of memory")

    monkeypatch.setattr("autograd.viz.frames.to_svg", failing_svg)
    monkeypatch.setattr("autograd.viz.frames.os.cpu_count", lambda: 1)
    with pytest.raises(RuntimeError, match="out of memory"):
        step_frames(chain(5))
    assert len(calls) == 1
    with pytest.raises(ValueError, match="timeout must be a number of seconds > 0"):
        step_frames(chain(1), timeout=0)


def test_the_player_deletes_only_its_own_old_frames(tmp_path):
    need("dot")
    folder = tmp_path / "p_frames"
    folder.mkdir()
    mine = ["step-000.svg", "step-001.svg", "step-0042.svg"]  # an earlier, longer run's
    theirs = ["step-final.svg", "step-1.svg", "step-001.svg.bak", "notes.txt", "step-abc.svg"]
    for name in mine + theirs:
        (folder / name).write_text("old")
    o, _ = neuron()
    write_player(o, tmp_path / "p.html")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(theirs + [f"step-{k:03d}.svg" for k in range(6)])
    assert all((folder / name).read_text() == "old" for name in theirs)
    assert "<svg" in (folder / "step-001.svg").read_text()


@pytest.mark.parametrize("make", ["page is a directory", "frames folder is a file",
                                  "a frame is a directory", "parent is a file"])
def test_a_path_that_cannot_be_written_is_refused_before_the_pass(make, tmp_path):
    page = tmp_path / "p.html"
    if make == "page is a directory":
        page.mkdir()
    elif make == "frames folder is a file":
        (tmp_path / "p_frames").write_text("x")
    elif make == "a frame is a directory":
        (tmp_path / "p_frames" / "step-002.svg").mkdir(parents=True)
    else:
        (tmp_path / "file").write_text("x")
        page = tmp_path / "file" / "p.html"
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    o, v = neuron()
    with pytest.raises(OSError, match="write_player: .*(is a directory|is not a directory)"):
        write_player(o, page)
    assert o.grad == 0.0 and v["x1"].grad == 0.0  # no pass ran
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before  # nothing written


def test_a_frames_folder_that_is_a_symlink_is_refused_before_the_pass(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "step-050.svg").write_text("a user's file")
    page = tmp_path / "q.html"
    frames_folder(page).symlink_to(victim)
    x = Value(2.0, "x")
    y = x * 3.0
    with pytest.raises(OSError, match="is a symlink; frames are written"):
        write_player(y, page)
    assert (victim / "step-050.svg").read_text() == "a user's file" and x.grad == 0.0


@pytest.mark.parametrize("options, error, message", [
    ({"title": 3}, TypeError, "title must be a str, got int"),
    ({"delay_ms": -1}, ValueError, "delay_ms must be a positive int"),
    ({"delay_ms": 1.5}, ValueError, "delay_ms must be a positive int"),
])
def test_the_page_options_are_checked_before_the_pass(tmp_path, options, error, message):
    from autograd.viz import player

    x = Value(2.0, "x")
    y = x * 3.0
    with pytest.raises(error, match="write_player: " + message):
        write_player(y, tmp_path / "p.html", **options)
    with pytest.raises(error, match="player: " + message):
        player(y, **options)
    assert x.grad == 0.0 and not (tmp_path / "p.html").exists()
