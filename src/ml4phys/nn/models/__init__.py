"""Models with Keras' API: ``Sequential`` (a stack) and ``Model`` (a graph of layers).

    from ml4phys.nn.models import Sequential, Model, load_model

``Sequential`` is the lecture's model; ``Model(inputs, outputs)`` is Keras' functional
API (several inputs and outputs, shared layers, merges, models used as layers). Both
train with ``compile``, ``fit``, ``evaluate``, ``predict``; ``save`` writes Keras 3's
``.keras`` format for a ``.keras`` path, and ml4phys' own .npz file otherwise.
"""

from ..training import DivergenceError
from .base import BaseModel
from .functional import Model
from .loading import load_model
from .sequential import Sequential

__all__ = ["BaseModel", "DivergenceError", "Model", "Sequential", "load_model"]
