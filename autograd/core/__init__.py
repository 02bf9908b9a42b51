"""The engine: the op table, grad modes, `Value`, graph walks and the backward pass.

The bottom layer: it imports nothing else of autograd at module level.
"""
