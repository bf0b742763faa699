"""Gradient-check cases of the merge layers, which read a list of inputs."""

from ml4phys.nn import layers

MERGE_CASES = [
    ("add-2", lambda: layers.Add(), [(3,), (3,)]),
    ("add-3-images", lambda: layers.Add(), [(2, 2, 1), (2, 2, 1), (2, 2, 1)]),
    ("subtract", lambda: layers.Subtract(), [(4,), (4,)]),
    ("multiply-3", lambda: layers.Multiply(), [(3,), (3,), (3,)]),
    ("average", lambda: layers.Average(), [(2, 3), (2, 3)]),
    ("concatenate-last", lambda: layers.Concatenate(), [(3,), (2,), (4,)]),
    ("concatenate-axis1", lambda: layers.Concatenate(axis=1), [(2, 3), (4, 3)]),
    ("input-layer", lambda: layers.InputLayer(shape=(3,)), (3,)),
]
