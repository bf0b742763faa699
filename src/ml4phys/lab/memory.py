"""What recurrence buys, and why plain recurrent nets forget (vanishing gradients).

Two classic tasks, each a sequence with one output at its end:

* recall: channel 0 is noise, uniform(-1, 1), at every step; channel 1 marks step 0. After
  a delay of D steps of noise the net must output the value at the marked step.
  Predicting 0 gives a mean squared error of 1/3.
* adding (Hochreiter & Schmidhuber 1997): channel 0 holds uniform(0, 1) values, channel 1
  marks one step in each half of a sequence of D steps; the output is the sum of the two
  marked values. Predicting 1 gives 1/6.

A SimpleRNN and an LSTM of the same width learn each task for several D; the test error
vs D shows where the SimpleRNN fails. The gradient of the cost with respect to the input
at step t, vs the distance to the output step, shows why: through a tanh recurrence it
decays geometrically, through the LSTM's cell it is carried (vanishing gradients).

The LSTM's forget gate decides how well its cell carries: Keras starts the forget bias at
1 (``unit_forget_bias``), so f ~ s(1) = 0.73 and the product over 40 steps is ~3e-6; the
LSTM then starts with gradients even more vanished than the plain net's (whose orthogonal
recurrent kernel keeps them longer), and recall over 40 steps stays stuck at the trivial
guess (tried: 30 epochs). Here the forget bias starts at ``forget_bias`` = 3
(f ~ 0.95, a product of ~0.13 over 40 steps); the gradient figure also shows Keras'
start, and ``--forget-bias 1`` repeats the experiment with it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..nn import layers, models, optimizers
from ..plots import sequences as sequence_plots
from .base import Result, progress_bar

NAME = "memory"
DESCRIPTION = (
    "recall after a delay and the adding problem: SimpleRNN vs LSTM, gradients"
)

KINDS = {"SimpleRNN": layers.SimpleRNN, "LSTM": layers.LSTM}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    delays: tuple = (5, 10, 20, 40)  # D: steps between the value and the output
    units: int = 16
    samples: int = 4096  # training sequences per task and delay
    test_samples: int = 512
    epochs: int = 15
    batchsize: int = 32
    learning_rate: float = 0.01  # Adam, with clipnorm 1
    forget_bias: float = 3.0  # the LSTM's initial forget-gate bias (Keras: 1)
    seed: int = 0
    quick: bool = False  # a few seconds, for tests


def recall_data(n, delay, rng):
    """(x, y): x (n, delay + 1, 2), noise and a marker at step 0; y = x[:, 0, 0]."""
    x = np.zeros((n, delay + 1, 2))
    x[:, :, 0] = rng.uniform(-1.0, 1.0, size=(n, delay + 1))
    x[:, 0, 1] = 1.0
    return x, x[:, 0, :1].copy()


def adding_data(n, length, rng):
    """(x, y): x (n, length, 2), values and two markers, one per half; y their sum."""
    x = np.zeros((n, length, 2))
    x[:, :, 0] = rng.uniform(0.0, 1.0, size=(n, length))
    half = max(1, length // 2)
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n) if length > 1 else first
    rows = np.arange(n)
    x[rows, first, 1] = 1.0
    x[rows, second, 1] = 1.0
    return x, (x[..., 0] * x[..., 1]).sum(axis=1, keepdims=True)


TASKS = {"recall": (recall_data, 1.0 / 3.0), "adding": (adding_data, 1.0 / 6.0)}


def build(kind, config, seed, forget_bias=None):
    net = models.Sequential(seed=seed)
    net.add(KINDS[kind](config.units, input_shape=(None, 2)))
    if kind == "LSTM":  # Keras' gate order i, f, c, o: the forget gate's bias is second
        n = config.units
        net.layers[0].params["bias"][n : 2 * n] = (
            config.forget_bias if forget_bias is None else forget_bias
        )
    net.add(layers.Dense(1))
    net.compile(
        loss="mean_squared_error",
        optimizer=optimizers.Adam(learning_rate=config.learning_rate, clipnorm=1.0),
    )
    return net


def input_gradient(net, x, y):
    """|dC/dx_t| per step t (root mean square over samples and channels): (steps,)."""
    y_pred = net.forward(x, training=True)
    dx = net.backward(net.loss.delta(y, y_pred), input_delta=True)  # (n, steps, 2)
    return np.sqrt(np.mean(dx**2, axis=(0, 2)))


def settings(config):
    """The config, with ``quick``'s small sizes applied."""
    if not config.quick:
        return config
    return dataclasses.replace(
        config, delays=(4, 20), units=16, samples=1024, test_samples=256, epochs=10
    )


def train(kind, data, config, bar, probe=None):
    """A ``kind`` net trained on ``data``; its test error relative to the trivial
    prediction's ``baseline`` (1: learned nothing). With ``probe``, a dict, the input
    gradients before and after training go there.
    """
    x, y, x_test, y_test, baseline = data
    net = build(kind, config, config.seed)
    if probe is not None:
        probe[f"{kind}, initial"] = input_gradient(net, x_test, y_test)
        if kind == "LSTM":
            keras = build(kind, config, config.seed, forget_bias=1.0)
            probe["LSTM, forget bias 1, initial"] = input_gradient(
                keras, x_test, y_test
            )
    for _ in range(config.epochs):
        net.fit(x, y, batch_size=config.batchsize, epochs=1, verbose=0)
        bar.update()
    if probe is not None:
        probe[f"{kind}, trained"] = input_gradient(net, x_test, y_test)
    return net.evaluate(x_test, y_test) / baseline


def run(config: Config, progress=None) -> Result:
    config = settings(config)
    rng = np.random.default_rng(config.seed)
    errors = {task: {kind: [] for kind in KINDS} for task in TASKS}
    gradients = {}  # input gradients on the recall task at the longest delay
    total = len(TASKS) * len(KINDS) * len(config.delays) * config.epochs
    with progress_bar(progress, total, NAME) as bar:
        for task, (make_data, baseline) in TASKS.items():
            for delay in config.delays:
                x, y = make_data(config.samples, delay, rng)
                data = (x, y, *make_data(config.test_samples, delay, rng), baseline)
                probe = (
                    gradients
                    if task == "recall" and delay == max(config.delays)
                    else None
                )
                for kind in KINDS:
                    errors[task][kind].append(train(kind, data, config, bar, probe))
    numbers = {
        f"{task}_relative_error": {
            kind: dict(zip(map(str, config.delays), values))
            for kind, values in by_kind.items()
        }
        for task, by_kind in errors.items()
    }
    # how much of the gradient reaches the first step (the value to recall), relative to
    # the last step's: |dC/dx_0| / |dC/dx_D|
    numbers["gradient_first_to_last"] = {
        label: float(g[0] / g[-1]) for label, g in gradients.items()
    }
    return Result(numbers=numbers, figures=figures(config, errors, gradients))


def figures(config, errors, gradients):
    """Relative error against delay per task, and the input gradient against distance."""
    shown = {
        f"{task}_error_vs_delay": sequence_plots.curves(
            list(config.delays),
            by_kind,
            xlabel="delay D (steps)",
            ylabel="test MSE / MSE of the trivial guess",
            title=task,
            logy=True,
            markers=True,
        )
        for task, by_kind in errors.items()
    }
    longest = max(config.delays)
    distance = longest - np.arange(longest + 1)  # steps between input and output
    shown["gradient_vs_distance"] = sequence_plots.curves(
        distance,
        gradients,
        xlabel="distance to the output step (steps)",
        ylabel="|dC/dx_t| (rms)",
        title=f"recall, D = {longest}",
        logy=True,
    )
    return shown
