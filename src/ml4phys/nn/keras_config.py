"""Layer configs in Keras 3's form (the ``config.json`` of a ``.keras`` file), both ways.

ml4phys' layers take Keras' argument names, so most of a config carries over as it is.
What ml4phys does not implement is checked: an argument ml4phys lacks must hold the one
value ml4phys computes (``data_format='channels_last'``, ``dilation_rate=1``,
``dropout=0`` in a recurrent layer, ...), else a ValueError names the layer and the
argument. Initializers are left out: the weights come with the file.
"""

from __future__ import annotations

from . import layers as _layers
from . import regularizers as _regularizers

__all__ = ["layer_from_keras", "layer_to_keras"]

_CONV = ("filters", "kernel_size", "strides", "padding", "activation", "use_bias")
_POOL = ("pool_size", "strides", "padding")
_RNN = (
    "units",
    "activation",
    "use_bias",
    "return_sequences",
    "return_state",
    "stateful",
)

# Keras' arguments that ml4phys takes as they are, per layer class
SHARED = {
    "Dense": ("units", "activation", "use_bias"),
    "Conv2D": _CONV,
    "Conv2DTranspose": _CONV,
    "MaxPooling2D": _POOL,
    "AveragePooling2D": _POOL,
    "GlobalAveragePooling2D": ("keepdims",),
    "UpSampling2D": ("size", "interpolation"),
    "SimpleRNN": _RNN,
    "LSTM": (*_RNN, "recurrent_activation", "unit_forget_bias"),
    "GRU": (*_RNN, "recurrent_activation"),
    "Dropout": ("rate", "seed"),
    "Activation": ("activation",),
    "Flatten": (),
    "Reshape": ("target_shape",),
    "ZeroPadding2D": ("padding",),
    "Cropping2D": ("cropping",),
    "Add": (),
    "Subtract": (),
    "Multiply": (),
    "Average": (),
    "Concatenate": ("axis",),
}
REGULARIZERS = (
    "kernel_regularizer",
    "bias_regularizer",
    "recurrent_regularizer",
    "activity_regularizer",
)
# Keras' arguments that ml4phys lacks, and the values it computes for them
FIXED = {
    "data_format": ("channels_last", None),
    "dilation_rate": ([1, 1], 1, (1, 1)),
    "groups": (1,),
    "go_backwards": (False,),
    "unroll": (False,),
    "zero_output_for_mask": (False,),
    "dropout": (0, 0.0),
    "recurrent_dropout": (0, 0.0),
    "reset_after": (True,),
    "noise_shape": (None,),
    "output_padding": (None,),
    "use_cudnn": ("auto", True, False),
}
IGNORED = {"name", "trainable", "dtype", "seed", "registered_name", "module"}
# initializers and constraints: the weights come with the file
IGNORED_SUFFIXES = ("_initializer", "_constraint")


def layer_from_keras(class_name, config, custom_objects=None):
    """An ml4phys layer from a Keras layer's ``class_name`` and ``config``."""
    name = config.get("name")
    custom = dict(custom_objects or {})
    if class_name in custom:
        return custom[class_name].from_config(config)
    if class_name not in SHARED:
        raise ValueError(
            f"Keras layer {name!r} is a {class_name}, which ml4phys.nn does not have; "
            f"it reads {', '.join(sorted(SHARED))} (and custom_objects= for your own)"
        )
    kwargs = {"name": name, "trainable": config.get("trainable", True)}
    for key, value in config.items():
        if key in SHARED[class_name]:
            kwargs[key] = _from_keras_value(value)
        elif key in REGULARIZERS:
            kwargs[key] = _regularizer_from_keras(value)
        elif key in FIXED:
            _check_fixed(name, class_name, key, value)
        elif (
            key not in IGNORED
            and not key.endswith(IGNORED_SUFFIXES)
            and value not in (None, False)  # an option left off
        ):
            raise ValueError(
                f"Keras layer {name!r} ({class_name}): ml4phys.nn does not know its "
                f"argument {key}={value!r}"
            )
    if class_name == "Dropout" and kwargs.get("seed") is None:
        kwargs.pop("seed", None)
    try:
        return getattr(_layers, class_name)(**kwargs)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Keras layer {name!r} ({class_name}): {error}") from None


def layer_to_keras(layer, dtype):
    """A Keras layer's ``config`` from an ml4phys layer."""
    class_name = type(layer).__name__
    if not type(layer).__module__.startswith("ml4phys."):  # a layer of one's own
        return {**layer.get_config(), "name": layer.name}  # load: custom_objects=
    if class_name not in SHARED:
        raise ValueError(
            f"{layer.describe()}: Keras 3's .keras format has no form for "
            f"ml4phys' {class_name} yet; save it with an .npz path instead"
        )
    ours = layer.get_config()
    config = {"name": layer.name, "trainable": layer.trainable, "dtype": dtype}
    for key in SHARED[class_name]:
        config[key] = ours[key]
    for key in REGULARIZERS:
        if key in ours or key == "activity_regularizer":
            value = ours.get(key, layer.activity_regularizer)
            config[key] = _regularizer_to_keras(_regularizers.get(value))
    if class_name in ("MaxPooling2D", "AveragePooling2D", "UpSampling2D", "Conv2D"):
        config["data_format"] = "channels_last"
    return config


def _check_fixed(name, class_name, key, value):
    if value not in FIXED[key]:
        raise ValueError(
            f"Keras layer {name!r} ({class_name}) has {key}={value!r}, which "
            f"ml4phys.nn does not implement (it computes {key}={FIXED[key][0]!r})"
        )


def _from_keras_value(value):
    """Keras writes an activation by name, or as a dict (module keras.activations)."""
    if isinstance(value, dict) and value.get("module") == "keras.activations":
        return value["config"]  # the activation's name
    return value


def _regularizer_from_keras(value):
    if value is None:
        return None
    config = value.get("config", value) if isinstance(value, dict) else value
    if isinstance(config, dict):
        return _regularizers.get(
            {"l1": config.get("l1", 0.0), "l2": config.get("l2", 0.0)}
        )
    return _regularizers.get(config)


def _regularizer_to_keras(regularizer):
    if regularizer is None:
        return None
    return {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": float(regularizer.l1), "l2": float(regularizer.l2)},
        "registered_name": None,
    }
