"""The engine core imports nothing built on it, and nothing needs a lazy import to dodge a cycle.

Read from the source (module-level imports versus imports inside functions), so it holds for
every module at once: the floors are `ops`/`mode`, then `value`/`graph`/`backward`, then the
rest. A watcher of the engine (anomaly mode) plugs in through `mode.Watcher`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograd import AnomalyError, Value, detect_anomaly, jvp, mode
from autograd import anomaly as anomaly_module

PACKAGE = Path(__file__).resolve().parents[2] / "autograd"
CORE = {"autograd.ops", "autograd.mode", "autograd.value", "autograd.graph", "autograd.backward",
        "autograd.argnums"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(autograd modules imported at module level, those imported inside a function)."""
    tree = ast.parse(path.read_text())
    # Imports under `if TYPE_CHECKING:` are for type hints only: they never run.
    tree.body = [n for n in tree.body if not (isinstance(n, ast.If) and
                                              getattr(n.test, "id", "") == "TYPE_CHECKING")]
    top: set[str] = set()
    inner: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograd"):
            names = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names = {a.name for a in node.names if a.name.startswith("autograd")}
        else:
            continue
        found = {n for n in names if (PACKAGE.parent / n.replace(".", "/")).with_suffix(".py")
                 .exists() or (PACKAGE.parent / n.replace(".", "/") / "__init__.py").exists()}
        (top if node.col_offset == 0 else inner).update(found)
    return top, inner


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_imports_only_the_core_at_module_level(name):
    top, _ = imports(MODULES[name])
    assert top <= CORE | {"autograd"}, f"{name} imports {sorted(top - CORE - {'autograd'})}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_lazy_import_of_the_core(name):
    """A core module is always loaded, so importing it inside a function can only be dodging
    a cycle. Value's convenience methods (`x.backward()`, `x.zero_grad()`) are the exception."""
    _, inner = imports(MODULES[name])
    if name == "autograd.value":
        return
    assert not inner & CORE, f"{name} imports {sorted(inner & CORE)} inside a function"


def test_module_level_imports_have_no_cycle():
    graph = {name: imports(path)[0] - {"autograd", name} for name, path in MODULES.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        stack = [(start, iter(sorted(graph[start])))]
        state.setdefault(start, 1)
        while stack:
            node, rest = stack[-1]
            for nxt in rest:
                if state.get(nxt) == 1:
                    raise AssertionError(f"import cycle through {node} -> {nxt}")
                if nxt not in state and nxt in graph:
                    state[nxt] = 1
                    stack.append((nxt, iter(sorted(graph[nxt]))))
                    break
            else:
                state[node] = 2
                stack.pop()


def test_anomaly_mode_is_a_watcher_held_by_the_mode():
    assert mode.get_mode().watcher is None
    with detect_anomaly():
        assert mode.get_mode().watcher is anomaly_module.WATCHER
        assert mode.get_mode().grad
    assert mode.get_mode() is mode.DEFAULT


def test_any_watcher_sees_every_node_and_pass():
    seen: list[str] = []

    class Recorder:
        def on_forward(self, out):
            seen.append(f"node {out.op}")

        def on_gradients(self, order, grads):
            seen.append(f"pass over {len(order)}")

    with mode.switched(watcher=Recorder()):
        y = Value(2.0) * 3.0
        y.backward()
    assert seen == ["node *", "pass over 3"] and y.parents[0].grad == 3.0


def test_anomaly_mode_watches_forward_mode_on_values():
    with detect_anomaly(), pytest.raises(AnomalyError, match="exp.*gave inf"):
        jvp(lambda x: x.exp(), (Value(800.0),), (1.0,))
