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
from .sequential import Sequential

__all__ = ["BaseModel", "DivergenceError", "Model", "Sequential", "load_model"]


def load_model(path, custom_objects=None, *, allow_nonfinite=False):
    """Load a model: a ``.keras`` file (written by Keras 3 or ml4phys) or an ml4phys .npz.

    Raises ValueError naming the file if it is neither, naming any layer of a Keras
    file that ml4phys lacks, and if the weights hold NaN or inf (unless
    ``allow_nonfinite``).
    """
    from ..saving import load_model as _load

    return _load(path, custom_objects, allow_nonfinite=allow_nonfinite)
