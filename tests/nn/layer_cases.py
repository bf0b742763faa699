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
    (
        "dense-tanh-nobias",
        lambda: layers.Dense(3, activation="tanh", use_bias=False),
        (4,),
    ),
    ("dense-softmax", lambda: layers.Dense(4, activation="softmax"), (3,)),
    ("dense-3d-input", lambda: layers.Dense(2, activation="elu"), (5, 3)),
    (
        "dense-l1l2",
        lambda: layers.Dense(
            3,
            activation="softplus",
            kernel_regularizer=regularizers.L1L2(0.01, 0.02),
            bias_regularizer=regularizers.L2(0.1),
        ),
        (4,),
    ),
    (
        "dense-activity",
        lambda: layers.Dense(
            3, activation="sigmoid", activity_regularizer=regularizers.L1L2(0.05, 0.1)
        ),
        (4,),
    ),
    ("activation-tanh", lambda: layers.Activation("tanh"), (4,)),
    ("activation-softmax", lambda: layers.Activation("softmax"), (2, 3)),
    ("dropout", lambda: layers.Dropout(0.4, seed=1), (6,)),
    ("flatten", lambda: layers.Flatten(), (2, 3, 2)),
    ("reshape", lambda: layers.Reshape((3, -1)), (6,)),
    # recurrent layers: last step or whole sequence, lengths 1 and more, both loops
    ("simple-rnn-last", lambda: layers.SimpleRNN(3), (4, 2)),
    ("simple-rnn-seq", lambda: layers.SimpleRNN(3, return_sequences=True), (4, 2)),
    ("simple-rnn-1step", lambda: layers.SimpleRNN(2, return_sequences=True), (1, 3)),
    (
        "simple-rnn-softplus-nobias",
        lambda: layers.SimpleRNN(
            3, activation="softplus", use_bias=False, return_sequences=True
        ),
        (3, 2),
    ),
    ("lstm-last", lambda: layers.LSTM(3), (4, 2)),
    ("lstm-seq", lambda: layers.LSTM(3, return_sequences=True), (4, 2)),
    ("lstm-1step", lambda: layers.LSTM(2), (1, 3)),
    ("lstm-1step-seq", lambda: layers.LSTM(2, return_sequences=True), (1, 1)),
    (
        "lstm-general-activations",
        lambda: layers.LSTM(
            3, activation="softplus", recurrent_activation="tanh", return_sequences=True
        ),
        (3, 2),
    ),
    (
        "lstm-regularized",
        lambda: layers.LSTM(
            2,
            kernel_regularizer=regularizers.L2(0.1),
            recurrent_regularizer=regularizers.L1(0.05),
            bias_regularizer=regularizers.L2(0.2),
            activity_regularizer=regularizers.L2(0.1),
        ),
        (3, 2),
    ),
    ("gru-last", lambda: layers.GRU(3, bias_initializer="random_uniform"), (4, 2)),
    ("gru-seq", lambda: layers.GRU(3, return_sequences=True), (4, 2)),
    ("gru-1step", lambda: layers.GRU(2, return_sequences=True), (1, 3)),
    (
        "gru-general-activations",
        lambda: layers.GRU(
            3, activation="softplus", recurrent_activation="tanh", return_sequences=True
        ),
        (3, 2),
    ),
    (
        "time-distributed-dense",
        lambda: layers.TimeDistributed(
            layers.Dense(2, activation="tanh", kernel_regularizer=regularizers.L2(0.1))
        ),
        (4, 3),
    ),
    # convolutional layers (tests/nn/test_conv.py has their torch cross-checks): odd and
    # even sizes, strides 1 and 2, both paddings, one and several channels
    (
        "conv2d-same-tanh",
        lambda: layers.Conv2D(3, 3, padding="same", activation="tanh"),
        (5, 6, 2),
    ),
    (
        "conv2d-stride2-same-even",
        lambda: layers.Conv2D(2, (2, 3), strides=2, padding="same"),
        (7, 6, 3),
    ),
    (
        "conv2d-stride21-valid",
        lambda: layers.Conv2D(4, 3, strides=(2, 1), activation="sigmoid"),
        (7, 8, 2),
    ),
    ("conv2d-stride2-valid-even", lambda: layers.Conv2D(2, 4, strides=2), (8, 9, 3)),
    ("conv2d-one-output", lambda: layers.Conv2D(1, 3, padding="same"), (6, 5, 5)),
    (
        "conv2d-one-input-nobias",
        lambda: layers.Conv2D(5, 4, padding="same", use_bias=False),
        (6, 5, 1),
    ),
    ("conv2d-products", lambda: layers.Conv2D(4, 2, activation="relu"), (4, 5, 4)),
    (
        "conv2d-l2-activity",
        lambda: layers.Conv2D(
            3,
            3,
            padding="same",
            kernel_regularizer=regularizers.L2(0.1),
            activity_regularizer=regularizers.L1L2(0.05, 0.1),
        ),
        (4, 4, 2),
    ),
    (
        "conv2dtranspose-stride2-same",
        lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
        (4, 3, 2),
    ),
    (
        "conv2dtranspose-stride2-valid",
        lambda: layers.Conv2DTranspose(2, 3, strides=2, activation="tanh"),
        (3, 4, 3),
    ),
    (
        "conv2dtranspose-valid-even",
        lambda: layers.Conv2DTranspose(2, (2, 3)),
        (3, 4, 3),
    ),
    (
        "conv2dtranspose-same",
        lambda: layers.Conv2DTranspose(4, 2, padding="same"),
        (3, 4, 5),
    ),
    (
        "conv2dtranspose-kernel-below-stride",
        lambda: layers.Conv2DTranspose(2, 1, strides=3),
        (3, 4, 3),
    ),
    ("maxpool-leftovers", lambda: layers.MaxPooling2D(2), (5, 7, 2)),
    ("maxpool-even", lambda: layers.MaxPooling2D(2), (4, 6, 3)),
    (
        "maxpool-overlap-same",
        lambda: layers.MaxPooling2D(3, strides=2, padding="same"),
        (5, 6, 2),
    ),
    ("maxpool-same", lambda: layers.MaxPooling2D(2, padding="same"), (5, 7, 2)),
    ("avgpool-leftovers", lambda: layers.AveragePooling2D(2), (5, 7, 2)),
    (
        "avgpool-overlap-same",
        lambda: layers.AveragePooling2D(3, strides=2, padding="same"),
        (5, 6, 2),
    ),
    ("avgpool-stride1", lambda: layers.AveragePooling2D((2, 3), strides=1), (5, 6, 2)),
    ("globalavgpool", lambda: layers.GlobalAveragePooling2D(), (3, 4, 2)),
    (
        "globalavgpool-keepdims",
        lambda: layers.GlobalAveragePooling2D(keepdims=True),
        (3, 4, 2),
    ),
    ("upsampling-23", lambda: layers.UpSampling2D((2, 3)), (3, 2, 2)),
    ("upsampling-2", lambda: layers.UpSampling2D(2), (3, 3, 1)),
    (
        "zeropadding-asymmetric",
        lambda: layers.ZeroPadding2D(((1, 0), (2, 1))),
        (3, 2, 2),
    ),
    ("zeropadding-1", lambda: layers.ZeroPadding2D(1), (2, 3, 1)),
    ("cropping-asymmetric", lambda: layers.Cropping2D(((1, 0), (2, 1))), (4, 5, 2)),
    ("cropping-1", lambda: layers.Cropping2D(1), (4, 3, 2)),
]

NON_LAYERS = {"Layer"}  # names in layers.__all__ that are not concrete layers

from .merge_cases import MERGE_CASES  # noqa: E402  (merge layers read lists)

LAYER_CASES += MERGE_CASES
