"""Convolution and pooling over images shaped `[channel][row][col]`, written as the textbook sums.

NB: PyTorch's layers take a batch `[N][C][H][W]`; these take one image `[C][H][W]` (call them in
a loop over examples). Argument names and defaults follow `torch.nn.Conv2d` / `MaxPool2d`.
"""

from __future__ import annotations

import math
import random

from autograd import Value, max_of, mean_of, sum_of
from nn.module import Module, as_rng, check_count
from nn.tensors import as_value, check_shape, flatten, map_leaves, shape_of, shown_shape

Image = list  # [channel][row][col] of Values or numbers


def _pair(x: object, what: str, where: str, *, zero_ok: bool = False) -> tuple[int, int]:
    """An int or a pair of ints (rows, cols), as PyTorch's `kernel_size=3` or `(3, 2)`."""
    pair = tuple(x) if isinstance(x, (tuple, list)) else (x, x)
    if len(pair) != 2:
        raise ValueError(f"{where}: {what} must be an int or a pair of ints, got {x!r}")
    for n in pair:
        if zero_ok and n == 0 and not isinstance(n, bool) and isinstance(n, int):
            continue
        check_count(n, what if not zero_ok else f"{what} (>= 0)", where)
    return pair  # type: ignore[return-value]


def _out_size(size: int, kernel: int, stride: int, padding: int, what: str, where: str) -> int:
    """How many kernel positions fit along one axis: (size + 2*padding - kernel) // stride + 1."""
    span = size + 2 * padding
    if span < kernel:
        padded = f" (with padding {padding})" if padding else ""
        raise ValueError(f"{where}: the kernel needs {kernel} {what} but the input has "
                         f"{size}{padded}")
    return (span - kernel) // stride + 1


class Conv2d(Module):
    """A 2-D convolution (cross-correlation, as PyTorch), `[in_channels][H][W]` to `[out][H'][W']`.

    `out[o][i][j] = bias[o] + sum over c, r, s of weight[o][c][r][s] *
    x[c][i*stride + r - padding][j*stride + s - padding]`, where x is 0 outside the image;
    `H' = (H + 2*padding - kh)//stride + 1`.
    `weight[o][c][r][s]` is nested lists (parameters named `weight.o.c.r.s`); `bias` one per o.
    Initialised as PyTorch: every weight and bias from U(+-1/sqrt(in_channels * kh * kw)).
    """

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0,
        bias: bool = True, *, rng: random.Random | int | None = None,
    ) -> None:
        self.in_channels = check_count(in_channels, "in_channels", "Conv2d")
        self.out_channels = check_count(out_channels, "out_channels", "Conv2d")
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = _pair(stride, "stride", "Conv2d")
        self.padding = _pair(padding, "padding", "Conv2d", zero_ok=True)
        if not isinstance(bias, bool):
            raise TypeError(f"Conv2d: bias must be a bool, got {type(bias).__name__}")
        rng = as_rng(rng, "Conv2d")
        kh, kw = self.kernel_size
        bound = 1.0 / math.sqrt(in_channels * kh * kw)
        self.weight = [[[[Value(rng.uniform(-bound, bound)) for _ in range(kw)] for _ in range(kh)]
                        for _ in range(in_channels)] for _ in range(out_channels)]
        self.bias = [Value(rng.uniform(-bound, bound)) for _ in range(out_channels)] if bias \
            else []
        self.label_parameters()

    def kernel(self, o: int, c: int) -> list[list[Value]]:
        """The kh x kw weights that output channel `o` applies to input channel `c`."""
        return self.weight[o][c]

    def output_shape(self, rows: int, cols: int) -> tuple[int, int, int]:
        """(out_channels, H', W') for an input of `rows` x `cols`."""
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        return (self.out_channels, _out_size(rows, kh, sh, ph, "rows", "Conv2d"),
                _out_size(cols, kw, sw, pw, "columns", "Conv2d"))

    def forward(self, x: Image) -> list[list[list[Value]]]:
        """The feature maps `[out_channels][H'][W']` for one image `[in_channels][H][W]`."""
        _, rows, cols = check_shape(x, [self.in_channels, "rows", "cols"], "Conv2d")
        _, out_rows, out_cols = self.output_shape(rows, cols)
        x = map_leaves(as_value, x)  # a number is made a constant once, not once per product
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        kernels = self.weight
        maps = []
        for o in range(self.out_channels):
            feature_map = []
            for i in range(out_rows):
                row = []
                for j in range(out_cols):
                    terms = [self.bias[o]] if self.bias else []
                    for c in range(self.in_channels):
                        w, image = kernels[o][c], x[c]
                        for r in range(kh):
                            y = i * sh + r - ph
                            if 0 <= y < rows:  # outside the image x is 0: no term
                                line = image[y]
                                for s in range(kw):
                                    z = j * sw + s - pw
                                    if 0 <= z < cols:
                                        terms.append(w[r][s] * line[z])
                    row.append(sum_of(terms))
                feature_map.append(row)
            maps.append(feature_map)
        return maps

    def __repr__(self) -> str:
        return (f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={bool(self.bias)})")


class _Pool2d(Module):
    """Slides a kernel_size window with `stride` (default: the window, no overlap) over each map."""

    def __init__(self, kernel_size: int | tuple[int, int],
                 stride: int | tuple[int, int] | None = None) -> None:
        where = type(self).__name__
        self.kernel_size = _pair(kernel_size, "kernel_size", where)
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride", where)

    def pool(self, window: list) -> Value:
        raise NotImplementedError

    def forward(self, x: Image) -> list[list[list]]:
        """`[C][H'][W']` for `[C][H][W]`, H' = (H - kh) // stride + 1: one pooled value a window."""
        where = type(self).__name__
        channels, rows, cols = check_shape(x, ["channels", "rows", "cols"], where)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        out_rows = _out_size(rows, kh, sh, 0, "rows", where)
        out_cols = _out_size(cols, kw, sw, 0, "columns", where)
        return [[[self.pool([x[c][i * sh + r][j * sw + s] for r in range(kh) for s in range(kw)])
                  for j in range(out_cols)] for i in range(out_rows)] for c in range(channels)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride})"


class MaxPool2d(_Pool2d):
    """The largest value in each window, recorded: `max_of(window)`, a left fold of `maximum`.

    The whole gradient goes to the window's winner, on ties the first in row-major order (as
    PyTorch), and a NaN wins. The choice is made by recorded ops, not by reading `.data`, so a
    compiled program picks each window's winner again at every call.
    """

    def pool(self, window: list) -> Value:
        return max_of(window)


class AvgPool2d(_Pool2d):
    """The mean of each window: every input in it gets 1/(kh*kw) of the gradient."""

    def pool(self, window: list) -> Value:
        return mean_of(window)


class Flatten(Module):
    """Any nested list (e.g. feature maps `[C][H][W]`) to one list, row-major: before a Layer.

    NB: torch.nn.Flatten keeps the batch dimension (start_dim=1); there is none here.
    """

    def forward(self, x: list) -> list:
        """All the leaves of `x`, `x[0][0][0], x[0][0][1], ...`."""
        shape = shape_of(x)
        if not shape:  # None (not rectangular lists of scalars) or () (a lone scalar)
            error = ValueError if isinstance(x, (list, tuple)) else TypeError
            raise error(f"Flatten: expected a rectangular nested list of Values or numbers, "
                        f"got {shown_shape(x)}")
        return flatten(x)

    def __repr__(self) -> str:
        return "Flatten()"
