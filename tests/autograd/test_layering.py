"""The import rule (docs/explanation/architecture.md), read from the source, for every module.

autograd's subpackages are layers, lowest first: core, introspect, transforms, compiler, viz,
tools. A module imports only its own layer and those below it, at module level or inside a
function alike; nothing imports another module's underscore names; no import cycle exists, lazy
imports included. `nn` uses only autograd's public paths. Value's convenience methods
(`x.backward_steps()`, `x.explain()`) are the one declared exception.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograd import AnomalyError, Value, detect_anomaly, jvp
from autograd.core import mode
from autograd.introspect import anomaly as anomaly_module

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("core", "introspect", "transforms", "compiler", "viz", "tools")
PUBLIC = {"autograd", "autograd.viz", "autograd.ops", "autograd.testing"}
# Imports made on purpose inside Value's methods, so a Value can run, step through, explain and
# copy its own graph (`x.backward()`, as micrograd reads): each reaches a module that imports
# value.py. Nothing else may reach up or close a cycle.
UPWARD = {
    ("autograd.core.value", "autograd.core.backward"),
    ("autograd.core.value", "autograd.core.copying"),
    ("autograd.core.value", "autograd.introspect.stepper"),
    ("autograd.core.value", "autograd.introspect.explain"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for package in ("autograd", "nn")
           for p in sorted((ROOT / package).rglob("*.py"))}


def resolve(name: str) -> str | None:
    """The module `name` is, if it is one of ours; `a.b.c` may also be the name `c` in `a.b`."""
    if name in MODULES:
        return name
    parent = name.rpartition(".")[0]
    return parent if parent in MODULES else None


def imports(path: Path) -> tuple[set[str], set[str], list[str]]:
    """(modules imported at module level, modules imported inside a function, underscore names
    imported from another module)."""
    tree = ast.parse(path.read_text())
    # Imports under `if TYPE_CHECKING:` are for type hints only: they never run.
    tree.body = [n for n in tree.body if not (isinstance(n, ast.If) and
                                              getattr(n.test, "id", "") == "TYPE_CHECKING")]
    top: set[str] = set()
    inner: set[str] = set()
    private: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {resolve(f"{node.module}.{a.name}") for a in node.names}
            private += [f"{node.module}.{a.name}" for a in node.names
                        if a.name.startswith("_") and not a.name.endswith("__")
                        and node.module in MODULES]
        elif isinstance(node, ast.Import):
            names = {resolve(a.name) for a in node.names}
        else:
            continue
        (top if node.col_offset == 0 else inner).update(names - {None})
    return top, inner, private


GRAPH = {name: imports(path) for name, path in MODULES.items()}


def layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


@pytest.mark.parametrize("name", sorted(n for n in MODULES if layer(n) is not None))
def test_a_layer_imports_only_itself_and_the_layers_below(name):
    top, inner, _ = GRAPH[name]
    upward = sorted(m for m in top | inner if m.startswith("autograd") and (name, m) not in UPWARD
                    and (layer(m) is None or layer(m) > layer(name)))
    assert not upward, f"{name} ({LAYERS[layer(name)]}) imports {upward}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_another_modules_private_names(name):
    assert not GRAPH[name][2], f"{name} imports {GRAPH[name][2]}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("nn")))
def test_nn_uses_only_autograds_public_paths(name):
    top, inner, _ = GRAPH[name]
    found = {m for m in top | inner if m.startswith("autograd")}
    assert found <= PUBLIC, f"{name} imports {sorted(found - PUBLIC)}"


def test_no_import_cycle_lazy_imports_included():
    """A cycle hidden by an import inside a function is still a cycle: every edge counts."""
    graph = {name: sorted((top | inner) - {name} - {m for m in top | inner if (name, m) in UPWARD})
             for name, (top, inner, _) in GRAPH.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(graph[start]))]
        while stack:
            node, rest = stack[-1]
            for nxt in rest:
                # A package's __init__ importing its own modules is how packages work.
                if nxt in graph and not node.startswith(nxt + "."):
                    if state.get(nxt) == 1:
                        path = [n for n, _ in stack]
                        raise AssertionError("import cycle: " + " -> ".join(
                            path[path.index(nxt):] + [nxt]))
                    if nxt not in state:
                        state[nxt] = 1
                        stack.append((nxt, iter(graph[nxt])))
                        break
            else:
                state[node] = 2
                stack.pop()


def test_the_rule_catches_what_it_forbids():
    """The checks above read real imports: a planted upward lazy import is seen."""
    source = ("def f():\n    from autograd.viz.dot import draw_dot\n"
              "    from autograd.core.value import _lift\n")
    path = ROOT / "out" / "layering_probe.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(source)
    try:
        top, inner, private = imports(path)
    finally:
        path.unlink()
    assert top == set() and inner == {"autograd.viz.dot", "autograd.core.value"}
    assert private == ["autograd.core.value._lift"]
    assert layer("autograd.viz.dot") > layer("autograd.core.value")


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
