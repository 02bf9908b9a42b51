"""stepgrad's neural-network library: modules, losses, optimizers and toy datasets.

Built only on `autograd`'s public API, so everything here is ordinary user code you can read.
"""

import autograd

if not hasattr(autograd, "Value"):  # another package named autograd was found first
    raise ImportError(
        f"nn needs stepgrad's autograd, but `import autograd` found another package of that "
        f"name at {getattr(autograd, '__file__', None) or autograd.__path__}: the PyPI "
        f"distribution autograd (HIPS autograd) shares the import name. Fix: pip uninstall "
        f"autograd, then reinstall stepgrad (in your clone: pip install -e .)")

from nn.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh
from nn.conv import AvgPool2d, Conv2d, Flatten, MaxPool2d
from nn.data import (
    Standardizer,
    batches,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    train_test_split,
)
from nn.layers import ACTIVATIONS, INITS, MLP, Dropout, Layer, Neuron, Sequential, get_activation
from nn.losses import (
    accuracy,
    bce_with_logits,
    hinge,
    l1_penalty,
    l2_penalty,
    mse,
    softmax_cross_entropy,
)
from nn.module import Module
from nn.optim import SGD, Adam, AdamW, CosineLR, ExponentialLR, Optimizer, StepLR, clip_grad_norm
from nn.recurrent import RNN, Embedding, LSTMCell, RNNCell
from nn.selection import EarlyStopping, format_table, grid_search, k_fold, random_search

__all__ = [
    "ACTIVATIONS", "INITS", "MLP", "SGD", "Adam", "AdamW", "CosineLR", "Dropout",
    "ExponentialLR", "Layer", "Module", "Neuron", "Optimizer", "Sequential", "Standardizer",
    "StepLR", "accuracy", "batches", "bce_with_logits", "clip_grad_norm", "get_activation",
    "hinge", "l1_penalty", "l2_penalty", "make_circles", "make_moons", "make_spirals",
    "make_xor", "mse", "softmax_cross_entropy", "train_test_split",
    # images, sequences, model selection
    "AvgPool2d", "Conv2d", "EarlyStopping", "Embedding", "Flatten", "Identity", "LSTMCell",
    "LeakyReLU", "MaxPool2d", "RNN", "RNNCell", "ReLU", "Sigmoid", "Softplus", "Tanh",
    "format_table", "grid_search", "k_fold", "random_search",
]
