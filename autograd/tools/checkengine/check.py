"""`check_engine`: a learner's Value class and stepgrad's on the same graphs; mistakes named.

The checks run most basic first: each op on its own (its value, its local derivatives, with a
number operand) and the output's seed; each op with a gradient arriving from above; the
reflected forms (`2 - x`); then graphs where only inputs are reused (accumulation), any graph
(order), a deep chain (recursion) and two backward calls (double counting). Hypothesis draws the
graphs and shrinks each failure to the smallest it finds. Later checks use only the ops that
passed, and a failure that an earlier finding explains is not reported a second time.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, Verbosity, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable
from hypothesis.strategies import SearchStrategy

import autograd.tools.checkengine.catalog as catalog  # modules, not the package: no import cycle
import autograd.tools.checkengine.details as details
import autograd.tools.checkengine.probes as probes
from autograd.core.ops import OPS
from autograd.core.value import Value
from autograd.tools.checkengine.consequences import inherited
from autograd.tools.checkengine.probes import Probe
from autograd.tools.checkengine.program import CATALOG_OPS, REFLECTED, Program, Run, close, run
from autograd.tools.checkengine.report import EngineReport, Finding, outcome

DEPTH = 5000
"""The chain the recursion check builds: five times what Python's default limit allows."""

HEADROOM = 1000
"""The recursion check runs with CPython's default limit of nested calls above the caller's."""


def check_engine(value_class: type, *, examples: int = 200, seed: int = 0) -> EngineReport:
    """Test a micrograd-style Value class against stepgrad and name each misconception.

    `examples` is how many graphs each check draws at most; `seed` fixes which, so a report is
    reproducible. Raises `UnusableEngineError` (a TypeError) if `value_class(1.0) +
    value_class(2.0)` cannot even be built. The report is falsy when it has findings.
    """
    for name, given, least in (("examples", examples, 1), ("seed", seed, 0)):
        if isinstance(given, bool) or not isinstance(given, int) or given < least:
            raise ValueError(f"check_engine: {name} must be an int >= {least}, got {given!r}")
    return _Checker(value_class, probes.offered(value_class), examples, seed).report()


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Case:
    """A failing probe, run on both engines, and how it fails."""

    probe: Probe
    expected: Run
    got: Run
    kind: str  # "raised" (in the forward), "forward", "backward-raised", "seed", "grads", "passes"

    @property
    def program(self) -> Program:
        return self.probe.program


def failure(program: Program, expected: Run, got: Run) -> str | None:
    """How `got` differs from `expected` on `program`, most basic first; None if it does not."""
    if got.error is not None and not got.data:
        return "raised"
    if any(not close(want, have) for want, have in zip(expected.data, got.data)):
        return "forward"
    if got.error is not None:
        return "backward-raised"
    if not close(expected.grads[0][-1], got.grads[0][-1]):  # d(out)/d(out) after one call
        return "seed"
    inputs = range(len(program.inputs))
    if any(not close(expected.grads[-1][i], got.grads[-1][i]) for i in inputs):
        return "grads"
    return None


class _Checker:
    def __init__(self, cls: type, offered: tuple[str, ...], examples: int, seed: int) -> None:
        self.cls, self.offered, self.examples, self.seed = cls, offered, examples, seed
        self.findings: list[tuple[tuple[int, int], Finding]] = []
        self.skipped: list[str] = []

    # -- running and searching ---------------------------------------------------------------
    def case(self, probe: Probe) -> Case | None:
        expected, got = run(Value, probe.program), run(self.cls, probe.program)
        kind = failure(probe.program, expected, got)
        return None if kind is None else Case(probe, expected, got, kind)

    def search(self, name: str, strategy: SearchStrategy[Probe], fails=None) -> Probe | None:
        """The smallest probe the strategy draws that fails (hypothesis shrinks it), or None."""
        chosen = settings(max_examples=self.examples, database=None, deadline=None,
                          derandomize=False, phases=(Phase.generate, Phase.shrink),
                          verbosity=Verbosity.quiet, suppress_health_check=list(HealthCheck))
        try:  # a str seed is hashed with SHA-512: the same draws on every run and machine
            return find(strategy, fails or (lambda p: self.case(p) is not None),
                        settings=chosen, random=random.Random(f"{self.seed}:{name}"))
        except (NoSuchExample, Unsatisfiable):
            return None

    def search_case(self, name: str, strategy: SearchStrategy[Probe],
                    kinds: tuple[str, ...] | None = None) -> Case | None:
        """The smallest failing probe as a Case; with `kinds`, only failures of those kinds."""
        fails = None
        if kinds is not None:
            def fails(probe: Probe) -> bool:
                case = self.case(probe)
                return case is not None and case.kind in kinds
        probe = self.search(name, strategy, fails)
        return None if probe is None else self.case(probe)

    def add(self, code: str, message: str, case: Case) -> None:
        program, (expected, got) = case.program, (case.expected, case.got)
        finding = Finding(code, message, program.source(self.cls.__name__),
                          outcome(program, expected), outcome(program, got, program.passes),
                          program, (expected, got))
        self.note(code, finding)

    def note(self, code: str, finding: Finding) -> None:
        kind, _, op = code.partition(":")
        order = [c.partition(":")[0] for c in catalog.CODES]
        self.findings.append(((order.index(kind), CATALOG_OPS.index(op) if op else 0), finding))

    # -- the checks, most basic first ----------------------------------------------------------
    def report(self) -> EngineReport:
        alone = {op: case for op in self.offered if (case := self.search_case(
            op, probes.single(op, ("alone", "number") if OPS[op].arity == 2 else ("alone",))))}
        seed, explained = self.seed_case(alone)
        upstream: dict[str, Case] = {}
        reflected: dict[str, Case] = {}
        if seed is not None:
            root = seed.got.grads[0][-1]
            self.add("seed", catalog.seed(f"in {details.where(seed)}, out.grad is {root!r} "
                                          f"after backward() and {details.wrong_input(seed)}"),
                     seed)
            self.skipped.append("a number above an op, reflected forms and the graph checks: "
                                "the seed finding would fail them all")
        else:
            if "mul" in self.offered and "mul" not in alone:  # `op(x) * Value(k)` needs `*`
                upstream = {op: case for op in self.offered if op not in alone and (
                    case := self.search_case(f"upstream:{op}", probes.single(op, ("upstream",))))}
            reflected = {op: case for op in REFLECTED if op in self.offered and (
                case := self.search_case(f"reflected:{op}", probes.single(op, ("reflected",))))}
        failed = {*alone, *upstream, *(f"r{op}" for op in reflected)}
        for op, case in alone.items():
            if case not in explained and not self.inherited(op, case, failed):
                self.single_op(op, case)
        out_of_order = len(upstream) >= 2 and all(map(details.zero_inputs, upstream.values()))
        if out_of_order:
            case = next(iter(upstream.values()))
            self.add("order", catalog.order(f"in `{details.line(case)}`, the gradient of "
                                            f"{case.program.names[len(case.program.inputs)]} "
                                            f"was still 0 when it was passed on"), case)
        else:
            for op, case in upstream.items():
                if not self.inherited(op, case, failed):
                    self.add(f"local-derivative:{op}", catalog.upstream(
                        op, details.line(case), details.wrong_input(case)), case)
        for op, case in reflected.items():
            if not self.inherited(f"r{op}", case, failed):
                number = case.program.lines[0].operands[0].value  # type: ignore[union-attr]
                self.add(f"reflected:{op}", catalog.reflected(
                    op, details.where(case), number, details.wrong(case)), case)
        # The graph checks make constants as Value leaves: a refused number operand is no bar.
        ok = tuple(op for op in self.offered if op not in upstream and (
            op not in alone or alone[op].probe.variant == "number"))
        if seed is None and out_of_order:
            self.skipped.append("the graph checks: the order finding would fail them")
        elif seed is None and "add" not in ok:
            self.skipped.append("the graph checks: they sum nodes with +, which has a finding")
        elif seed is None:
            self.graph_checks(ok)
        self.depth_check()
        self.findings.sort(key=lambda pair: pair[0])
        return EngineReport(self.cls.__name__, [f for _, f in self.findings], self.offered,
                            tuple(op for op in CATALOG_OPS if op not in self.offered),
                            tuple(self.skipped), self.examples, self.seed)

    def seed_case(self, alone: dict[str, Case]) -> tuple[Case | None, set[Case]]:
        """The output's grad not 1 after a pass, or every op's gradients off by one factor."""
        wrong_root = [c for c in alone.values() if c.kind == "seed"]
        scaled = [c for c in alone.values() if c.kind == "grads" and c.probe.variant == "alone"]
        if len(scaled) < 2 or details.common_factor(scaled) is None:
            scaled = []
        cases = wrong_root + scaled
        return (cases[0] if cases else None), set(cases)

    def inherited(self, key: str, case: Case, failed: set[str]) -> bool:
        return inherited(key, case.program, case.got, self.cls, failed)

    def single_op(self, op: str, case: Case) -> None:
        where = details.where(case)
        if case.kind in ("raised", "forward"):
            raised = case.kind == "raised"
            detail = (f"raised {case.got.failed}" if raised else
                      f"gives {case.got.data[-1]!r} instead of {case.expected.data[-1]!r}")
            self.add(f"forward:{op}", catalog.forward(op, where, detail, raised), case)
        else:
            detail = (details.wrong_input(case) if case.got.error is None
                      else f"it raised {case.got.failed}")
            self.add(f"local-derivative:{op}", catalog.local_derivative(op, where, detail), case)

    def graph_checks(self, ok: tuple[str, ...]) -> None:
        # Only wrong gradients count here: every op's values and errors were checked alone.
        reused = self.search_case("reuse", probes.graphs(ok, 4, leaves_reused_only=True),
                                  ("grads",))
        if reused is not None:
            self.add("grad-overwritten", catalog.grad_overwritten(details.reuse(reused)), reused)
            self.skipped.append("any graph and two backward calls: the grad-overwritten finding "
                                "would fail them")
            return
        tangled = self.search_case("order", probes.graphs(ok, 6), ("grads",))
        if tangled is not None:
            self.add("order", catalog.order(f"here {details.wrong_input(tangled)}"), tangled)
        twice = self.search("double", probes.graphs(ok, 5, passes=2), self.doubles_wrong)
        if twice is not None:
            expected, got = run(Value, twice.program), run(self.cls, twice.program)
            case = Case(twice, expected, got, "passes")
            name, want, have = details.first_wrong(case)
            first = got.grads[0][case.program.names.index(name)]
            self.add("double-count", catalog.double_count(
                f"after two calls {name}.grad should be {want!r}, twice the first call's "
                f"{first!r}, but it is {have!r}", reset=close(have, first)), case)

    def doubles_wrong(self, probe: Probe) -> bool:
        """The first call gives the right gradients, the second does not double them."""
        program = probe.program
        expected, got = run(Value, program), run(self.cls, program)
        if got.error is not None or len(got.grads) < 2:
            return False
        inputs = range(len(program.inputs))
        first_right = all(close(expected.grads[0][i], got.grads[0][i]) for i in inputs)
        # a gradient that is not 0 in the smallest graph: doubling 0 would teach nothing
        wrong = [i for i in inputs if not close(expected.grads[1][i], got.grads[1][i])]
        return first_right and any(expected.grads[0][i] != 0 for i in wrong)

    def depth_check(self) -> None:
        program = probes.chain(DEPTH)
        expected = run(Value, program)
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(_stack_depth() + HEADROOM)  # whatever the caller's limit is
        try:
            got = run(self.cls, program)
        finally:
            sys.setrecursionlimit(old)
        if isinstance(got.error, RecursionError):
            self.note("recursion", Finding(
                "recursion", catalog.recursion(DEPTH, f"RecursionError ({got.where})"),
                probes.chain_source(DEPTH, self.cls.__name__), outcome(program, expected),
                outcome(program, got)))


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth
