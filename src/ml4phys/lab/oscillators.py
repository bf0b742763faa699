"""Two coupled oscillators: an LSTM watches one and infers the other (the course's homework).

    x1'' = -omega1^2 x1 + k (x2 - x1),      x2'' = -omega2^2 x2 + k (x1 - x2)

Trajectories from random initial conditions are integrated with scipy's ``solve_ivp``.
An ``LSTM(units, return_sequences=True) + Dense(1)`` net sees only x1(t) and predicts
x2(t) at every step. The second oscillator is hidden, but it leaves its trace in x1:
x2 = x1 + (x1'' + omega1^2 x1) / k, so the net must integrate a few steps of the past
(a derivative, a phase) before it knows x2; the error vs time step shows that. A dense
net on a sliding window of the last ``window`` values of x1 is the baseline.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..nn import layers, models, optimizers
from ..nn.batching import epoch_batches
from ..plots import sequences as sequence_plots
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "oscillators"
DESCRIPTION = "an LSTM sees one of two coupled oscillators and predicts the other"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    trajectories: int = 2048  # training trajectories
    test_trajectories: int = 256
    timesteps: int = 120
    dt: float = 0.2  # sampling step (the periods are about 2 pi / omega)
    omega1: float = 1.0
    omega2: float = 1.5
    coupling: float = 0.5  # k
    units: int = 20  # LSTM units
    window: int = 10  # the dense baseline's sliding window (steps)
    epochs: int = 30
    batchsize: int = 32
    learning_rate: float = 0.005  # Adam
    seed: int = 0
    quick: bool = False  # a few seconds, for tests


def simulate(n, config, rng):
    """x1(t), x2(t) sampled every dt for n random starts: two arrays (n, timesteps)."""
    from scipy.integrate import solve_ivp  # 0.5 s to import: ml4phys list stays fast

    w1, w2, k = config.omega1**2, config.omega2**2, config.coupling

    def rhs(t, s):  # s = (x1, x2, v1, v2), each n values
        x1, x2, v1, v2 = s.reshape(4, n)
        return np.concatenate(
            [v1, v2, -w1 * x1 + k * (x2 - x1), -w2 * x2 + k * (x1 - x2)]
        )

    times = np.arange(config.timesteps) * config.dt
    start = rng.normal(size=4 * n)
    solution = solve_ivp(
        rhs, (0.0, times[-1]), start, t_eval=times, rtol=1e-8, atol=1e-10
    )
    x1, x2 = solution.y.reshape(4, n, -1)[:2]
    return x1, x2


def _train(net, x, y, epochs, batchsize, rng, bar):
    """Adam on shuffled batches; the mean training cost per epoch."""
    costs = []
    for _ in range(epochs):
        total = 0.0
        for idx in epoch_batches(len(x), batchsize, rng):
            total += net.train_on_batch(x[idx], y[idx]) * len(idx)
        costs.append(total / len(x))
        bar.update()
    return np.array(costs)


def _windows(x1, x2, window):
    """Dense inputs: the last ``window`` values of x1 ending at each step t >= window - 1."""
    steps = x1.shape[1]
    idx = np.arange(window)[None, :] + np.arange(steps - window + 1)[:, None]
    return x1[:, idx].reshape(-1, window), x2[:, window - 1 :].reshape(-1, 1)


def settings(config):
    """The config, with ``quick``'s small sizes applied."""
    if not config.quick:
        return config
    return dataclasses.replace(
        config,
        trajectories=256,
        test_trajectories=64,
        timesteps=60,
        epochs=12,
        learning_rate=0.01,
    )


def networks(config):
    """The LSTM that reads x1(t) and outputs x2(t), and the dense sliding-window baseline."""
    lstm = models.Sequential(seed=config.seed)
    lstm.add(layers.LSTM(config.units, return_sequences=True, input_shape=(None, 1)))
    lstm.add(layers.Dense(1))
    lstm.compile(
        loss="mean_squared_error",
        optimizer=optimizers.Adam(learning_rate=config.learning_rate, clipnorm=1.0),
    )
    dense = models.Sequential(seed=config.seed)
    dense.add(layers.Dense(50, activation="tanh", input_shape=(config.window,)))
    dense.add(layers.Dense(50, activation="tanh"))
    dense.add(layers.Dense(1))
    dense.compile(
        loss="mean_squared_error",
        optimizer=optimizers.Adam(learning_rate=config.learning_rate),
    )
    return lstm, dense


def run(config: Config, progress=None) -> Result:
    config = settings(config)
    rng = np.random.default_rng(config.seed)
    x1, x2 = simulate(config.trajectories, config, rng)
    x1_test, x2_test = simulate(config.test_trajectories, config, rng)
    lstm, dense = networks(config)
    w_train, w_target = _windows(x1, x2, config.window)
    epochs, batchsize = config.epochs, config.batchsize
    with progress_bar(progress, 2 * epochs, NAME) as bar:
        lstm_costs = _train(
            lstm, x1[..., None], x2[..., None], epochs, batchsize, rng, bar
        )
        # many more windows than trajectories: larger batches, similar steps per epoch
        dense_costs = _train(dense, w_train, w_target, epochs, 8 * batchsize, rng, bar)
    predicted = lstm.predict(x1_test[..., None], batch_size=256)[..., 0]
    w_test, _ = _windows(x1_test, x2_test, config.window)
    predicted_dense = dense.predict(w_test, batch_size=1024).reshape(len(x1_test), -1)
    late = slice(config.window - 1, None)  # the steps where the window baseline can act
    errors = {  # test mean squared error of x2 per time step
        "LSTM": np.mean((predicted - x2_test) ** 2, axis=0),
        f"dense, window {config.window}": np.full(config.timesteps, np.nan),
        "predict 0": np.mean(x2_test**2, axis=0),
    }
    errors[f"dense, window {config.window}"][late] = np.mean(
        (predicted_dense - x2_test[:, late]) ** 2, axis=0
    )
    error_lstm, error_zero = errors["LSTM"], errors["predict 0"]
    numbers = {
        "lstm_test_mse": float(error_lstm.mean()),
        "zero_prediction_mse": float(error_zero.mean()),
        "lstm_gain_over_zero": float(error_zero.mean() / error_lstm.mean()),
        "lstm_test_mse_first_steps": float(error_lstm[: config.window // 2].mean()),
        "lstm_test_mse_late_steps": float(error_lstm[late].mean()),
        "dense_window_test_mse": float(  # same late steps
            errors[f"dense, window {config.window}"][late].mean()
        ),
        "final_training_cost": float(lstm_costs[-1]),
    }
    costs = {"LSTM": lstm_costs, f"dense, window {config.window}": dense_costs}
    shown = (x1_test[:3], x2_test[:3], predicted[:3])
    return Result(numbers=numbers, figures=figures(config, shown, errors, costs))


def figures(config, shown, errors, costs):
    """Three test trajectories, the error per time step, and the training costs."""
    x1, x2, predicted = shown
    return {
        "trajectories": sequence_plots.compare_series(
            np.arange(config.timesteps) * config.dt,
            x2,
            predicted,
            inputs=x1,
            titles=[
                f"test trajectory {k}: input x1 (grey), hidden x2" for k in range(3)
            ],
            labels=("x2 true", "x2 from the LSTM"),
            xlabel=f"time step (dt = {config.dt:g})",
            ylabel="displacement",
        ),
        "error_vs_step": sequence_plots.curves(
            np.arange(config.timesteps),
            errors,
            xlabel="time step",
            ylabel="test mean squared error of x2",
            logy=True,
        ),
        "cost": training_plots.cost_curves(
            costs, xlabel="epoch", ylabel="training cost (MSE)"
        ),
    }
