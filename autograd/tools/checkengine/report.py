"""What `check_engine` returns: an `EngineReport` of `Finding`s, for print, Jupyter and drawing."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograd.tools.checkengine.program import Program, Run

if TYPE_CHECKING:
    import graphviz


@dataclass(frozen=True)
class Outcome:
    """One engine's result on a finding's graph: the output's value, each input's gradient
    (after all the graph's backward calls), and what it raised, if anything."""

    value: float | None
    grads: dict[str, float | None]
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None and self.value is None:
            return f"raised {self.error}"
        grads = ", ".join(f"{name}.grad {_num(g)}" for name, g in self.grads.items())
        raised = f" (then raised {self.error})" if self.error else ""
        return f"value {_num(self.value)}; {grads}{raised}"


def _num(x: float | None) -> str:
    return "?" if x is None else repr(x)


@dataclass(frozen=True)
class Finding:
    """One mistake: its catalog `code`, a `message` that teaches, the shrunk graph as Python
    (`expression`) and both engines' results on it (`expected` is stepgrad's)."""

    code: str
    message: str
    expression: str
    expected: Outcome
    got: Outcome
    program: Program | None = field(default=None, repr=False, compare=False)
    runs: tuple[Run, Run] | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        body = "\n".join(f"    {line}" for line in self.expression.splitlines())
        return (f"{self.code}: {self.message}\n  smallest graph:\n{body}\n"
                f"  expected (stepgrad): {self.expected}\n  got:                 {self.got}")

    def draw(self) -> graphviz.Digraph:
        """The graph with stepgrad's and the engine's gradients side by side in each node, the
        first wrong node filled."""
        from autograd.tools.checkengine.drawing import draw_finding  # graphviz only when drawing

        return draw_finding(self)


@dataclass(frozen=True)
class EngineReport:
    """The findings of `check_engine` on one Value class: falsy when there is any."""

    engine: str
    findings: list[Finding]
    offered: tuple[str, ...]
    not_offered: tuple[str, ...]
    skipped: tuple[str, ...] = ()  # checks not run, and why (a consequence would be reported)
    examples: int = 200
    seed: int = 0

    def __bool__(self) -> bool:
        return not self.findings

    def draw(self, i: int = 0) -> graphviz.Digraph:
        """Finding `i`'s graph, drawn (see `Finding.draw`)."""
        if not self.findings:
            raise IndexError(f"draw: {self.engine} has no findings to draw")
        if isinstance(i, bool) or not isinstance(i, int) or not -len(self.findings) <= i < len(
                self.findings):
            raise IndexError(f"draw: finding {i!r} does not exist: there are "
                             f"{len(self.findings)} (0 to {len(self.findings) - 1})")
        return self.findings[i].draw()

    def _header(self) -> str:
        count = len(self.findings)
        verdict = ("no findings: it agrees with stepgrad on every graph tried" if not count else
                   f"{count} finding{'s' * (count != 1)}")
        return f"check_engine({self.engine}): {verdict}"

    def _tested(self) -> list[str]:
        lines = [f"tested: {', '.join(self.offered)}"]
        if self.not_offered:
            lines.append(f"not offered (not tested): {', '.join(self.not_offered)}")
        lines += [f"not run: {why}" for why in self.skipped]
        return lines

    def __str__(self) -> str:
        parts = [self._header(), *self._tested()]
        for k, finding in enumerate(self.findings):
            parts.append("")
            parts.append(f"{k}. {finding}")
        return "\n".join(parts)

    def __repr__(self) -> str:
        codes = ", ".join(f.code for f in self.findings)
        return f"<EngineReport of {self.engine}: {codes or 'no findings'}>"

    def _repr_html_(self) -> str:
        """Jupyter: the findings as a table, then each finding's drawing (if Graphviz is there)."""
        rows = "".join(
            f"<tr><td>{k}</td><td><code>{html.escape(f.code)}</code></td>"
            f"<td style='text-align:left'>{html.escape(f.message)}</td>"
            f"<td style='text-align:left'><pre>{html.escape(f.expression)}</pre></td>"
            f"<td style='text-align:left'>{html.escape(str(f.expected))}</td>"
            f"<td style='text-align:left'>{html.escape(str(f.got))}</td></tr>"
            for k, f in enumerate(self.findings))
        head = "".join(f"<th>{h}</th>" for h in ("#", "code", "what is wrong", "smallest graph",
                                                 "expected (stepgrad)", "got"))
        notes = "".join(f"<p>{html.escape(line)}</p>" for line in self._tested())
        table = (f"<table class='stepgrad-engine-report'><thead><tr>{head}</tr></thead>"
                 f"<tbody>{rows}</tbody></table>") if self.findings else ""
        return f"<p><b>{html.escape(self._header())}</b></p>{notes}{table}{_drawings(self)}"


def _drawings(report: EngineReport) -> str:
    """Each drawable finding's SVG, or a line saying why there is none (no Graphviz)."""
    from autograd.viz.rendering import to_svg

    shown = []
    for k, finding in enumerate(report.findings):
        if finding.program is None:  # e.g. the 5,000-node chain of `recursion`
            continue
        try:
            svg = to_svg(finding.draw())
        except (ImportError, RuntimeError, OSError) as error:  # no graphviz, or no `dot`
            shown.append(f"<p><i>(not drawn: {html.escape(str(error))})</i></p>")
            break
        shown.append(f"<div><p>{k}. <code>{html.escape(finding.code)}</code></p>{svg}</div>")
    return "".join(shown)


def outcome(program: Program, done: Run, passes: int | None = None) -> Outcome:
    """A run as an Outcome: the output's value and each input's grad after `passes` calls."""
    passes = len(done.grads) if passes is None else passes
    grads = done.grads[passes - 1] if passes and len(done.grads) >= passes else None
    names = [name for name, _ in program.inputs]
    value = done.data[-1] if done.data else None
    return Outcome(value, {n: (grads[i] if grads else None) for i, n in enumerate(names)},
                   done.failed)
