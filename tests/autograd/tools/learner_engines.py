"""Engines a learner might write, for `check_engine`'s tests: one correct, one micrograd, and
one planted bug each (the class docstring says which, and what shows it).

`Engine` is micrograd's design (a closure per node, `_prev`, `+=`) with its two flaws fixed: an
iterative topological sort, and intermediate grads set to 0 before each pass. Each bug is a
subclass changing one method; every op builds results with `type(self)`, so they inherit it.
"""

from __future__ import annotations

import math


class Engine:
    """A correct engine: micrograd's interface, iterative order, intermediates reset per pass."""

    def __init__(self, data, _children=()):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)

    def _wrap(self, other):
        return other if isinstance(other, Engine) else type(self)(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = type(self)(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def _unary(self, value, derivative):
        """A one-input op: `derivative(out)` is its local derivative."""
        out = type(self)(value, (self,))

        def _backward():
            self.grad += derivative(out) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        return self._unary(0.0 if self.data < 0 else self.data, lambda out: float(out.data > 0))

    def tanh(self):
        return self._unary(math.tanh(self.data), lambda out: 1 - out.data**2)

    def exp(self):
        return self._unary(math.exp(self.data), lambda out: out.data)

    def log(self):
        return self._unary(math.log(self.data), lambda out: 1 / self.data)

    def sigmoid(self):
        return self._unary(1 / (1 + math.exp(-self.data)), lambda out: out.data * (1 - out.data))

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def topological_order(self):
        """Every node, each after its inputs: a depth-first search with an explicit stack."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child not in seen)
        return order

    def backward(self):
        order = self.topological_order()
        for node in order:
            if node._prev:  # intermediates start each pass at 0; leaves keep adding up
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class Micrograd(Engine):
    """micrograd's own design: recursive topological sort, no grads reset between passes.
    Expected: double-count and recursion."""

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()


class GradOverwritten(Engine):
    """`=` instead of `+=` in add and mul: shows only when a node is used twice."""

    def __add__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad = out.grad
            other.grad = out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._backward = _backward
        return out


class ForwardOrder(Engine):
    """The topological order not reversed: a node passes on its grad before it has any."""

    def backward(self):
        order = self.topological_order()
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad = 1.0
        for node in order:  # the bug: forgot reversed()
            node._backward()


class BreadthFirst(Engine):
    """Nodes processed in the order a breadth-first walk from the output meets them: right on
    trees, wrong when an intermediate node feeds two others by paths of different lengths."""

    def backward(self):
        order, seen = [self], {self}
        for node in order:  # grows as it goes: a queue
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    order.append(child)
        for node in order:
            if node._prev:
                node.grad = 0.0
        self.grad = 1.0
        for node in order:
            node._backward()


class NoSeed(Engine):
    """backward() never sets the output's grad to 1: every gradient stays 0."""

    def backward(self):
        order = self.topological_order()
        for node in order:
            if node._prev:
                node.grad = 0.0
        for node in reversed(order):
            node._backward()


class WrongMul(Engine):
    """mul's derivative takes its own factor (`self.data`) instead of the other's. Expected:
    local-derivative:mul only (neg, sub, div and the reflected forms are built on it)."""

    def __mul__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += self.data * out.grad
            other.grad += other.data * out.grad

        out._backward = _backward
        return out


class WrongTanh(Engine):
    """tanh' written 1 - t instead of 1 - t**2."""

    def tanh(self):
        return self._unary(math.tanh(self.data), lambda out: 1 - out.data)


class ReluNegative(Engine):
    """relu passes the gradient through whatever the sign: wrong only for negative inputs."""

    def relu(self):
        return self._unary(0.0 if self.data < 0 else self.data, lambda out: 1.0)


class WrongExp(Engine):
    """exp computes 2**x: its value is wrong (and so is its derivative, a consequence)."""

    def exp(self):
        return self._unary(2.0**self.data, lambda out: out.data)


class WrongSigmoid(Engine):
    """sigmoid computes 1/(1+e^x), the sign of the exponent lost."""

    def sigmoid(self):
        s = 1 / (1 + math.exp(self.data))
        return self._unary(s, lambda out: out.data * (1 - out.data))


class ExpIgnoresUpstream(Engine):
    """exp's backward adds out.data without multiplying by out.grad: right only at the root."""

    def exp(self):
        out = type(self)(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.data

        out._backward = _backward
        return out


class WrongLog(Engine):
    """log' written 1/out instead of 1/x."""

    def log(self):
        return self._unary(math.log(self.data), lambda out: 1 / out.data)


class DivNegative(Engine):
    """div written directly; d/db loses its sign for negative divisors (b*|b| for b**2)."""

    def __truediv__(self, other):
        other = self._wrap(other)
        out = type(self)(self.data / other.data, (self, other))

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= self.data / (other.data * abs(other.data)) * out.grad

        out._backward = _backward
        return out


class RsubWrongSign(Engine):
    """`2 - x` computed as x - 2."""

    def __rsub__(self, other):
        return self - other


class NoRtruediv(Engine):
    """`2 / x` missing: no __rtruediv__, so Python raises TypeError."""

    __rtruediv__ = None  # type: ignore[assignment]


class NumbersNotWrapped(Engine):
    """`x + 2.0` fails: add reads `other.data` without wrapping a number first. Expected:
    forward:add only (radd, sub and rsub with numbers go through it)."""

    def __add__(self, other):
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out


class ResetsEverything(Engine):
    """backward() zeroes every grad first, the inputs' too: shows only on a second backward."""

    def backward(self):
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class RecursiveSort(Engine):
    """Correct, but its topological sort is recursive: a deep chain fails."""

    def topological_order(self):
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        return order


PLANTED = {
    GradOverwritten: ["grad-overwritten"],
    ForwardOrder: ["order"],
    BreadthFirst: ["order"],
    NoSeed: ["seed"],
    WrongMul: ["local-derivative:mul"],
    WrongTanh: ["local-derivative:tanh"],
    ReluNegative: ["local-derivative:relu"],
    WrongExp: ["forward:exp"],
    WrongSigmoid: ["forward:sigmoid"],
    ExpIgnoresUpstream: ["local-derivative:exp"],
    WrongLog: ["local-derivative:log"],
    DivNegative: ["local-derivative:div"],
    RsubWrongSign: ["reflected:sub"],
    NoRtruediv: ["reflected:div"],
    NumbersNotWrapped: ["forward:add"],
    ResetsEverything: ["double-count"],
    RecursiveSort: ["recursion"],
    Micrograd: ["recursion", "double-count"],  # in catalog order: depth before passes
}
"""Each engine and exactly the codes its report must have."""
