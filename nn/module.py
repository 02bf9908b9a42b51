"""`Module`: the base of every layer and model: parameters by name, train/eval mode, state.

A module's parameters and submodules are found by reading its attributes in the order they
were set: a `Value` or a `Module`, or a list or tuple of them (nested to any depth). Each list
level adds `.index` to the name, for Values and modules alike (as PyTorch's `layers.0.weight`):
`w.0, w.1, ...`, `layers.0, layers.1, ...`, so a parameter reads `layers.0.neurons.3.w.1`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from autograd import Value
from nn.checks import check_count, check_number, shown  # noqa: F401 - re-exported
from nn.serialize import check_state, read_state, save_state


class Module:
    """Base class: finds parameters in attributes, switches train/eval mode, saves and loads."""

    training: bool = True  # a class default, so subclasses need not call super().__init__()
    keeps_width: bool = False
    """Whether it gives as many values as it reads (dropout, activations): `Sequential` reads
    it to carry a known width past the module."""

    def widths(self) -> tuple[int | None, int | None]:
        """(inputs read, outputs given) as flat lists, or None where the module does not fix
        one (a convolution reads images): `Sequential` checks neighbours' widths with it."""
        return None, None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """`module(x)` is `module.forward(x)`, as in PyTorch."""
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation: subclasses define it (layers return a list of Values)."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # -- what a module holds ------------------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, Value | Module]]:
        """Direct parameters and submodules with their local names, in attribute order.

        Lists and tuples, nested to any depth, add one `.index` per level: `w.0`, `weight.3.0.1`.
        A list reached twice (or containing itself) is read once; no recursion.
        """
        seen: set[int] = set()
        for name, attr in vars(self).items():
            stack: list[tuple[str, object]] = [(name, attr)]
            while stack:
                path, item = stack.pop()
                if isinstance(item, (Value, Module)):
                    yield path, item
                elif isinstance(item, (list, tuple)) and id(item) not in seen:
                    seen.add(id(item))
                    stack.extend(reversed([(f"{path}.{i}", x) for i, x in enumerate(item)]))

    def named_modules(self) -> list[tuple[str, Module]]:
        """This module ("") and every submodule below it with its dotted name, depth first.

        A module reached twice (shared, or a cycle such as `self.body.owner = self`) is listed
        once, under the first name it was reached by.
        """
        found: list[tuple[str, Module]] = []
        visited: set[int] = set()
        stack: list[tuple[str, Module]] = [("", self)]  # a stack, not recursion
        while stack:
            prefix, module = stack.pop()
            if id(module) in visited:
                continue
            visited.add(id(module))
            found.append((prefix, module))
            children = [
                (f"{prefix}.{name}" if prefix else name, member)
                for name, member in module._members()
                if isinstance(member, Module) and id(member) not in visited
            ]
            stack.extend(reversed(children))
        return found

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name, e.g. ("layers.0.neurons.3.w.1", Value).

        A shared parameter is listed once. Two different parameters with one name (possible only
        with attribute names that are not identifiers, e.g. set by `setattr(m, "w.0", ...)`) are
        refused with a ValueError: names are what `state_dict` and `load` match on.
        """
        named: list[tuple[str, Value]] = []
        seen: set[int] = set()
        owners: dict[str, Value] = {}
        for prefix, module in self.named_modules():
            for name, member in module._members():
                if isinstance(member, Value) and id(member) not in seen:  # shared: listed once
                    seen.add(id(member))
                    full = f"{prefix}.{name}" if prefix else name
                    if full in owners:
                        raise ValueError(
                            f"{type(self).__name__}: two different parameters are both named "
                            f"{shown(full)}; rename an attribute (save/load match on names)"
                        )
                    owners[full] = member
                    named.append((full, member))
        return named

    def parameters(self) -> list[Value]:
        """Every parameter, each once, in a stable order (what an optimizer is given)."""
        return [p for _, p in self.named_parameters()]

    def label_parameters(self) -> None:
        """Set each parameter's `.label` to its dotted name, so drawings and errors name it."""
        for name, p in self.named_parameters():
            p.label = name

    def zero_grad(self) -> None:
        """Set every parameter's `.grad` to 0.0 before the next backward pass."""
        for p in self.parameters():
            p.grad = 0.0

    # -- modes ----------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Switch this module and all below it to training mode (dropout active)."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (dropout off): for measuring on a test set."""
        return self.train(False)

    # -- state ----------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """{parameter name: value} as plain floats: what `save` writes."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Set every parameter from `state`; on any problem raise and change nothing."""
        named = self.named_parameters()
        values = check_state(state, [name for name, _ in named], type(self).__name__)
        for (_, p), value in zip(named, values):
            p.data = value

    def save(self, path: str | Path) -> None:
        """Write the parameters to a JSON file atomically: a crash never leaves half a file.

        A symlink is written through (the file it points to is replaced; the link stays).
        """
        save_state(self.state_dict(), path)

    def load(self, path: str | Path, *, max_bytes: int | None = None) -> None:
        """Read parameters saved by `save`; a bad or mismatched file raises and changes nothing.

        Only a regular file of at most `max_bytes` (default `nn.serialize.MAX_BYTES`, 16 MiB)
        is read; anything else is refused before reading.
        """
        self.load_state_dict(read_state(path, max_bytes))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.parameters())} parameters)"


def as_rng(rng: random.Random | int | None, where: str) -> random.Random:
    """A `random.Random`: the one given, one seeded with the int given, or one seeded with 0.

    Never the global `random`: the same seed always builds the same model.
    """
    if rng is None:
        return random.Random(0)
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(f"{where}: rng must be a random.Random, an int seed or None, "
                    f"got {type(rng).__name__}")


def check_params(params: object, where: str, *, numbers: bool = False) -> list:
    """`params` as a list of Values (and numbers, if `numbers`); a TypeError for anything else."""
    if isinstance(params, (Value, str, bytes)) or not isinstance(params, Iterable):
        kinds = "Values (or numbers)" if numbers else "Values"
        raise TypeError(f"{where}: params must be a list of {kinds}, "
                        f"got {type(params).__name__} ({shown(params)})")
    items = list(params)
    for i, p in enumerate(items):
        if isinstance(p, Value):
            continue
        if not numbers:
            raise TypeError(f"{where}: parameter {i} must be a Value, got {type(p).__name__}")
        check_number(p, f"parameter {i}", where)  # a TypeError unless a number
    return items
