"""The catalog of mistakes `check_engine` names, each with teaching words and a one-line fix.

One entry per kind of finding; `<op>` codes exist per op of `program.CATALOG_OPS` (and per
reflected operator). The docs (docs/how-to/check-your-engine.md) explain each with an example.
"""

from __future__ import annotations

CODES = ("seed", "forward:<op>", "local-derivative:<op>", "reflected:<op>", "grad-overwritten",
         "order", "recursion", "double-count")
"""Every code, in the order findings are reported: the most basic cause first."""

WHAT = {  # what each op computes, as a learner writes its forward
    "add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "pow": "a ** k",
    "neg": "-a", "exp": "math.exp(a)", "log": "math.log(a)", "tanh": "math.tanh(a)",
    "relu": "a if a > 0 else 0", "sigmoid": "1 / (1 + math.exp(-a))",
}

RULE = {  # each op's local derivatives, in micrograd's `_backward` words
    "add": "self.grad += out.grad; other.grad += out.grad",
    "sub": "self.grad += out.grad; other.grad -= out.grad",
    "mul": "self.grad += other.data * out.grad; other.grad += self.data * out.grad",
    "div": "self.grad += out.grad / other.data; "
           "other.grad -= self.data / other.data**2 * out.grad",
    "pow": "self.grad += k * self.data**(k - 1) * out.grad",
    "neg": "self.grad -= out.grad",
    "exp": "self.grad += out.data * out.grad   (exp' = exp)",
    "log": "self.grad += out.grad / self.data",
    "tanh": "self.grad += (1 - out.data**2) * out.grad",
    "relu": "self.grad += (out.data > 0) * out.grad",
    "sigmoid": "self.grad += out.data * (1 - out.data) * out.grad",
}

REFLECTED_FIX = {  # the reflected method micrograd defines for `number <op> x`
    "add": ("__radd__", "return self + other"),
    "sub": ("__rsub__", "return other + (-self)"),
    "mul": ("__rmul__", "return self * other"),
    "div": ("__rtruediv__", "return other * self**-1"),
}

WRAP = "other = other if isinstance(other, Value) else Value(other)"


def seed(detail: str) -> str:
    return (f"the output's gradient is not seeded with 1 ({detail}): d(out)/d(out) = 1 is where "
            "the chain rule starts, and every other gradient is a multiple of it. Fix: in "
            "`backward()`, set `self.grad = 1.0` before calling `_backward()` on the nodes in "
            "reverse order.")


def forward(op: str, where: str, detail: str, raised: bool) -> str:
    hint = f" If it refuses a number operand, wrap numbers first: `{WRAP}`." if raised else ""
    return (f"{where} {detail}: {op} should compute {WHAT[op]}, and every gradient after it "
            f"is built on that value.{hint} Fix the forward of {op} first; its derivative is "
            f"checked once the value is right.")


def local_derivative(op: str, where: str, detail: str) -> str:
    return (f"{op}'s local derivative is wrong in {where} ({detail}). Each op's "
            f"`_backward` adds its local derivative times `out.grad` to each input; for {op}: "
            f"`{RULE[op]}`.")


def upstream(op: str, where: str, detail: str) -> str:
    return (f"{op}'s `_backward` ignores the gradient arriving from above: alone it is right "
            f"(`out.grad` is 1 there), but in `{where}` ({detail}) it is not. The chain rule "
            f"multiplies the local derivative by `out.grad`: `{RULE[op]}`.")


def reflected(op: str, where: str, number: float, problem: str) -> str:
    method, body = REFLECTED_FIX[op]
    return (f"{where} {problem}. With a number on the left, Python calls "
            f"`x.{method}({number!r})`; define `def {method}(self, other): {body}`.")


def grad_overwritten(detail: str) -> str:
    return ("a node used twice keeps only its last contribution: in `_backward`, write "
            "`self.grad += ...` instead of `self.grad = ...` (and `other.grad += ...`). A node "
            "can feed several ops, or one op twice as in `x * x`, and its gradient is the sum "
            f"of all of them ({detail}).")


def order(detail: str) -> str:
    return ("a node passed its gradient on before all of it had arrived: backward must visit "
            "the nodes in reverse topological order, each one after every node that uses it. "
            "Fix: build the order once with a depth-first topological sort from the output, "
            f"then call `_backward()` on `reversed(topo)` ({detail}).")


def recursion(depth: int, error: str) -> str:
    return (f"a chain {depth:,} nodes deep raised {error}: `backward()` builds its order with "
            "a recursive function, and Python allows about 1,000 nested calls. micrograd's own "
            "`build_topo` does this too. Fix: build the topological order with a loop and an "
            "explicit stack of nodes still to visit, not a recursive function.")


def double_count(detail: str, reset: bool) -> str:
    start = f"a second `backward()` does not exactly double the inputs' gradients ({detail})"
    if reset:
        return (f"{start}: the second pass replaced the first one's gradients instead of adding "
                "to them. Gradients accumulate, as they must for a node used twice; fix: do "
                "not zero the inputs' grads inside `backward()` (that is `zero_grad()`'s job, "
                "called by the user between steps).")
    return (f"{start}: the intermediate nodes still hold the first pass's gradients and pass "
            "them on again. Fix: at the start of `backward()`, set every non-leaf node's grad "
            "to 0 (leaves keep adding up), then seed the output with 1. micrograd's own engine "
            "has this bug.")
