"""Predict a noisy time series one step ahead, then let the net run free (course homework).

Series (``--series``):

* ``logistic``: the logistic map x_{n+1} = r x_n (1 - x_n), chaotic at r = 3.9;
* ``oscillator``: a damped driven oscillator x'' + gamma x' + omega0^2 x = F cos(Omega t),
  integrated with scipy's ``solve_ivp`` and sampled every dt (scaled to unit variance).

Observations carry Gaussian noise. An ``LSTM(units, return_sequences=True) + Dense(1)``
learns the next value at every step of windows cut from a long training series. Then, on
test series, it reads ``warmup`` true values and runs free: each prediction is fed back in
as the next input (the LSTM's state is carried with ``initial_state=`` and
``final_states``). A chaotic series amplifies every error by about exp(lambda) per step
(lambda ~ 0.49 for r = 3.9), so even the exact map started from the last noisy value
diverges after a few steps: that curve is the reference the net cannot beat.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..nn import layers, models, optimizers
from ..plots import sequences as sequence_plots
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "sequence-predict"
DESCRIPTION = (
    "one-step prediction of a noisy series, then free running until it diverges"
)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    series: str = "logistic"  # 'logistic' or 'oscillator'
    r: float = 3.9  # logistic map parameter
    gamma: float = 0.1  # oscillator: damping, drive amplitude and frequency
    drive: float = 1.0
    drive_frequency: float = 0.7
    dt: float = 0.3
    noise: float = 0.01  # standard deviation of the observation noise
    length: int = 40000  # training series length
    window: int = 25  # training windows (steps)
    units: int = 32
    epochs: int = 30
    batchsize: int = 16
    learning_rate: float = 0.01  # Adam
    warmup: int = 30  # true steps read before the free run
    horizon: int = 60  # free-running steps
    test_runs: int = 128  # test series for the free run
    threshold: float = 0.2  # rms error at which a free run counts as diverged
    seed: int = 0
    quick: bool = False  # a few seconds, for tests


def logistic(n, length, r, rng):
    """n clean series of the logistic map, (n, length), after a transient of 100 steps."""
    x = rng.uniform(0.2, 0.8, size=n)
    out = np.empty((n, length))
    for k in range(100 + length):
        x = r * x * (1.0 - x)
        if k >= 100:
            out[:, k - 100] = x
    return out


def oscillator(n, length, config, rng):
    """n clean series of the damped driven oscillator, (n, length), after a transient."""
    from scipy.integrate import solve_ivp  # 0.5 s to import: ml4phys list stays fast

    w0, g, f, w = 1.0, config.gamma, config.drive, config.drive_frequency

    def rhs(t, s):
        x, v = s.reshape(2, n)
        return np.concatenate([v, -g * v - w0 * x + f * np.cos(w * t)])

    t0 = rng.uniform(0, 2 * np.pi / w)  # a random drive phase for the whole batch
    times = t0 + np.arange(length) * config.dt
    solution = solve_ivp(
        rhs,
        (0.0, times[-1]),
        rng.normal(size=2 * n),
        t_eval=times,
        rtol=1e-6,
        atol=1e-8,
    )
    return solution.y[:n]


def make_series(n, length, config, rng):
    """Clean series (n, length), scaled for the net (the oscillator to unit variance)."""
    if config.series == "logistic":
        return logistic(n, length, config.r, rng)
    if config.series == "oscillator":
        return oscillator(n, length, config, rng) / 1.5
    raise ValueError(f"unknown series {config.series!r}; known: logistic, oscillator")


def free_run(net, observed, horizon):
    """Read ``observed`` (n, warmup), then feed each prediction back: (n, horizon)."""
    lstm, dense = net.layers
    h = lstm.forward(observed[..., None].astype(net.dtype))  # (n, warmup, units)
    value = dense.forward(h[:, -1])  # the prediction for the first free step, (n, 1)
    out = np.empty((len(observed), horizon))
    for k in range(horizon):
        out[:, k] = value[:, 0]
        h = lstm.forward(value[:, None, :], initial_state=lstm.final_states)
        value = dense.forward(h[:, -1])
    return out


def _first_crossing(rms, threshold):
    above = np.nonzero(rms > threshold)[0]
    return int(above[0]) + 1 if len(above) else len(rms) + 1


def settings(config):
    """The config, with ``quick``'s small sizes applied."""
    if not config.quick:
        return config
    return dataclasses.replace(
        config,
        length=6400,
        window=10,
        units=16,
        epochs=30,
        batchsize=16,
        test_runs=64,
        horizon=30,
        learning_rate=0.02,
    )


def training_windows(config, rng):
    """One noisy series cut into windows: inputs x_t and targets x_{t+1}, (n, window, 1)."""
    clean = make_series(1, config.length + 1, config, rng)[0]
    noisy = clean + config.noise * rng.normal(size=clean.shape)
    n_windows = config.length // config.window
    x = noisy[: n_windows * config.window].reshape(n_windows, config.window, 1)
    y = noisy[1 : n_windows * config.window + 1].reshape(n_windows, config.window, 1)
    return x, y


def train(config, x, y, progress=None):
    """An LSTM with a linear read-out, trained on the windows; (net, cost per epoch)."""
    net = models.Sequential(seed=config.seed)
    net.add(layers.LSTM(config.units, return_sequences=True, input_shape=(None, 1)))
    net.add(layers.Dense(1))
    net.compile(
        loss="mean_squared_error",
        optimizer=optimizers.Adam(learning_rate=config.learning_rate, clipnorm=1.0),
    )
    costs = []
    with progress_bar(progress, config.epochs, NAME) as bar:
        for _ in range(config.epochs):
            history = net.fit(x, y, batch_size=config.batchsize, epochs=1, verbose=0)
            costs.append(history.history["loss"][-1])
            bar.update()
    return net, costs


def run(config: Config, progress=None) -> Result:
    config = settings(config)
    rng = np.random.default_rng(config.seed)
    net, costs = train(config, *training_windows(config, rng), progress)
    steps = config.warmup + config.horizon
    test_clean = make_series(config.test_runs, steps + 1, config, rng)
    test_noisy = test_clean + config.noise * rng.normal(size=test_clean.shape)
    # one step ahead, against the clean next value, with persistence x_{t+1} = x_t as baseline
    one_step = net.predict(test_noisy[:, :-1, None], batch_size=256)[..., 0]
    one_step_mse = float(np.mean((one_step - test_clean[:, 1:]) ** 2))
    persistence_mse = float(np.mean((test_noisy[:, :-1] - test_clean[:, 1:]) ** 2))
    truth = test_clean[:, config.warmup : steps]
    predicted = free_run(net, test_noisy[:, : config.warmup], config.horizon)
    rms = np.sqrt(np.mean((predicted - truth) ** 2, axis=0))  # vs free-run step
    curves = {"LSTM, free run": rms}
    numbers = {
        "one_step_test_mse": one_step_mse,
        "persistence_mse": persistence_mse,
        "one_step_gain_over_persistence": persistence_mse / one_step_mse,
        "noise_variance": config.noise**2,
        "free_run_divergence_step": _first_crossing(rms, config.threshold),
        "final_training_cost": float(costs[-1]),
    }
    if config.series == "logistic":
        curve = exact_map_error(test_noisy[:, config.warmup - 1], truth, config.r)
        curves["exact map from the noisy value"] = curve
        numbers["exact_map_divergence_step"] = _first_crossing(curve, config.threshold)
    shown = np.concatenate([test_noisy[:3, : config.warmup], predicted[:3]], axis=1)
    return Result(
        numbers=numbers,
        figures=figures(config, test_clean[:3, :steps], shown, curves, costs),
    )


def exact_map_error(value, truth, r):
    """rms error per step of the exact logistic map run from the last noisy value."""
    exact = np.empty_like(truth)
    for k in range(truth.shape[1]):
        value = r * value * (1.0 - value)
        exact[:, k] = value
    return np.sqrt(np.mean((exact - truth) ** 2, axis=0))


def figures(config, clean, shown, curves, costs):
    """Three free runs against the truth, the error curves, and the training cost."""
    return {
        "free_run": sequence_plots.compare_series(
            np.arange(config.warmup + config.horizon),
            clean,
            shown,
            marker=config.warmup - 0.5,
            titles=[
                f"{config.series}: {config.warmup} noisy steps read, then free running"
            ]
            * 3,
            labels=("true", "read, then predicted"),
            ylabel="x_t",
        ),
        "free_run_error": sequence_plots.curves(
            np.arange(1, config.horizon + 1),
            curves,
            xlabel="free-running step",
            ylabel="rms error over test runs",
            logy=True,
        ),
        "cost": training_plots.cost_curves(
            {"LSTM": np.array(costs)}, xlabel="epoch", ylabel="training cost (MSE)"
        ),
    }
