"""The layer registry: one or more gradient-check cases for every public layer.

Each case is ``(case_id, make_layer, input_shape)``; ``make_layer()`` returns a fresh,
unbuilt layer. ``test_every_layer_has_a_case`` proves the list complete: a new layer in
``ml4phys.nn.layers.__all__`` without a case here fails the suite.
"""

from ml4phys.nn import layers, regularizers

LAYER_CASES = [
    ("dense-linear", lambda: layers.Dense(4), (3,)),
    ("dense-sigmoid", lambda: layers.Dense(4, activation="sigmoid"), (5,)),
    ("dense-relu", lambda: layers.Dense(3, activation="relu"), (4,)),
    ("dense-tanh-nobias", lambda: layers.Dense(3, activation="tanh", use_bias=False), (4,)),
    ("dense-softmax", lambda: layers.Dense(4, activation="softmax"), (3,)),
    ("dense-3d-input", lambda: layers.Dense(2, activation="elu"), (5, 3)),
    ("dense-l1l2", lambda: layers.Dense(
        3, activation="softplus", kernel_regularizer=regularizers.L1L2(0.01, 0.02),
        bias_regularizer=regularizers.L2(0.1)), (4,)),
    ("dense-activity", lambda: layers.Dense(
        3, activation="sigmoid", activity_regularizer=regularizers.L1L2(0.05, 0.1)), (4,)),
    ("activation-tanh", lambda: layers.Activation("tanh"), (4,)),
    ("activation-softmax", lambda: layers.Activation("softmax"), (2, 3)),
    ("dropout", lambda: layers.Dropout(0.4, seed=1), (6,)),
    ("flatten", lambda: layers.Flatten(), (2, 3, 2)),
    ("reshape", lambda: layers.Reshape((3, -1)), (6,)),
]

NON_LAYERS = {"Layer"}  # names in layers.__all__ that are not concrete layers
