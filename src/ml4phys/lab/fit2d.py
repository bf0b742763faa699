"""Learning a 2D function (lecture: "Example: Learning a 2D function", MultiLayerBackProp).

Random batches of points in [-0.5, 0.5]^2, a target function of (x0, x1), a network of
sigmoid layers with the lecture's uniform(-1, 1) weights, plain SGD with step eta.

Step size: the lecture's cost is C = 1/2 <(y_out - y_target)^2>; Keras' mean squared
error (used here) is twice that for one output, so SGD runs with lr = eta / 2 and takes
exactly the lecture's step eta.

The homework's knobs are options: ``--eta``, the layout ``--hidden 50,50,20``, the
initial weight scale ``--init-scale``, and ``--output-activation linear``. ``--compare``
runs a grid of them side by side, e.g. ``--compare "eta=0.3,1,3 init_scale=0.3,3"``
(one or two knobs; layouts are written ``hidden=20x30,100,10x10x10``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import functions
from ..nn import initializers, layers, models, optimizers
from ..nn.training import DivergenceError
from ..plots import functions as function_plots
from ..plots import maps as map_plots
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "fit2d"
DESCRIPTION = "learn a function of two variables from random batches (lecture 2)"
HEADLINES = {  # what `ml4phys run` prints at the end
    "final_cost": "cost C over the last 10% of batches",
    "initial_cost": "cost C of the first batch",
    "cost_of_mean": "cost of the best constant output: beat it to learn anything",
    "grid_cost": "cost C of the trained net on the picture's grid",
    "samples": "training samples seen (batches x batchsize)",
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    function: str = "bump"  # one of ml4phys.data.functions.FUNCTIONS
    hidden: tuple = (20, 30)  # hidden layer sizes
    activation: str = "sigmoid"  # of the hidden layers
    output_activation: str = "sigmoid"  # 'linear' is the homework's variant
    eta: float = 3.0  # SGD step on the lecture's cost
    batchsize: int = 1000
    batches: int = 2000
    init_scale: float = 3.0  # initial weights uniform(-s, s); biases (-1, 1)
    optimizer: str = "sgd"  # or 'adam', 'rmsprop', ... (then eta is its lr)
    grid: int = 100  # resolution of the pictures
    seed: int = 0
    quick: bool = False  # 1000 batches of 250: a second, for tests
    compare: str = ""  # a grid of runs: "eta=1,3 init_scale=1,3"


def build_network(config, seed):
    """The lecture's network 2 -> hidden... -> 1: weights uniform(-s, s), biases (-1, 1)."""
    init = initializers.RandomUniform(-config.init_scale, config.init_scale)
    bias_init = initializers.RandomUniform(-1.0, 1.0)
    net = models.Sequential(seed=seed)
    for i, units in enumerate(config.hidden):
        net.add(
            layers.Dense(
                units,
                activation=config.activation,
                kernel_initializer=init,
                bias_initializer=bias_init,
                input_shape=(2,) if i == 0 else None,
            )
        )
    net.add(
        layers.Dense(
            1,
            activation=config.output_activation,
            kernel_initializer=init,
            bias_initializer=bias_init,
            input_shape=None if config.hidden else (2,),
        )
    )
    if config.optimizer == "sgd":
        optimizer = optimizers.SGD(learning_rate=config.eta / 2)  # see module docstring
    else:
        optimizer = optimizers.get(config.optimizer)
        optimizer.learning_rate = config.eta
    net.compile(loss="mean_squared_error", optimizer=optimizer)
    return net


def effective(config):
    """The config that runs: ``--quick`` means 1000 batches of 250."""
    if config.quick:
        return dataclasses.replace(config, batches=1000, batchsize=250, quick=False)
    return config


def train(config, progress=None, desc=NAME):
    """Build the network and train it on random batches: (net, costs per batch)."""
    config = effective(config)
    batches, batchsize = config.batches, config.batchsize
    target = functions.FUNCTIONS[config.function]
    rng = np.random.default_rng(config.seed)
    net = build_network(config, seed=config.seed)
    costs = np.zeros(batches)  # the lecture's cost C = 1/2 <(y_out - y_target)^2>
    with progress_bar(progress, batches, desc) as bar:
        for k in range(batches):
            y_in, y_target = functions.sample_batch(target, batchsize, rng)
            costs[k] = net.train_on_batch(y_in, y_target) / 2
            bar.update()
    return net, costs


def run(config: Config, progress=None) -> Result:
    if config.function not in functions.FUNCTIONS:
        raise ValueError(
            f"unknown function {config.function!r}; known: "
            f"{', '.join(functions.FUNCTIONS)}"
        )
    grid = parse_compare(config.compare)  # fail early on a typo
    net, costs = train(config, progress)
    batches = len(costs)
    batchsize = effective(config).batchsize

    target = functions.FUNCTIONS[config.function]
    points, axis = functions.grid(config.grid)
    y_target = target(points[:, 0], points[:, 1]).reshape(config.grid, config.grid)
    y_out = net.predict(points, batch_size=len(points)).reshape(
        config.grid, config.grid
    )
    tail = max(1, batches // 10)
    numbers = {
        "final_cost": float(costs[-tail:].mean()),  # mean over the last 10% of batches
        "initial_cost": float(costs[0]),
        "cost_of_mean": float(0.5 * np.var(y_target)),  # the best constant's cost
        "grid_cost": float(0.5 * np.mean((y_out - y_target) ** 2)),  # on the picture
        "samples": batches * batchsize,
    }
    figures = {
        "cost": training_plots.cost_curves(
            {f"{config.function}, eta={config.eta:g}": costs},
            xlabel="batch",
            ylabel="cost C = ½⟨(y_out − y_target)²⟩",
            smooth=max(1, batches // 50),
        ),
        "function": function_plots.compare_2d(y_target, y_out),
    }
    if grid:
        numbers["compare"], compare_figures = compare(config, grid, y_target, progress)
        figures.update(compare_figures)
    return Result(numbers=numbers, figures=figures, config=effective(config))


def parse_compare(text):
    """``"eta=1,3 hidden=20x30,50"`` -> ``[("eta", [1.0, 3.0]), ("hidden", [...])]``."""
    kinds = {f.name: type(f.default) for f in dataclasses.fields(Config)}
    grid = []
    for item in text.split():
        name, _, values = item.partition("=")
        name = name.replace("-", "_")
        if name not in kinds or name in ("compare", "quick") or not values:
            raise ValueError(
                f"--compare: cannot vary {item!r}; write knob=v1,v2 with a "
                f"knob of: {', '.join(k for k in kinds if k not in ('compare', 'quick'))}"
            )
        kind = kinds[name]
        parse = (
            (lambda v: tuple(int(u) for u in v.split("x") if u))
            if kind is tuple
            else kind
        )
        grid.append((name, [parse(v) for v in values.split(",")]))
    if len(grid) > 2:
        raise ValueError("--compare: at most two knobs (rows and columns)")
    return grid


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def compare(config, grid, y_target, progress=None):
    """Train once per combination of the knobs' values: numbers and two figures."""
    (row_name, row_values), *rest = grid
    col_name, col_values = rest[0] if rest else (None, [None])
    points, _ = functions.grid(config.grid)
    results, curves, maps = [], {}, {}
    for row in row_values:
        maps[f"{row_name}={_show(row)}"] = []
        for col in col_values:
            knobs = (
                {row_name: row} if col_name is None else {row_name: row, col_name: col}
            )
            label = ", ".join(f"{k}={_show(v)}" for k, v in knobs.items())
            entry = {
                "knobs": {
                    k: list(v) if isinstance(v, tuple) else v for k, v in knobs.items()
                }
            }
            try:
                net, costs = train(
                    dataclasses.replace(config, **knobs), progress, label
                )
                y_out = net.forward(points).reshape(y_target.shape)
                tail = max(1, len(costs) // 10)
                entry.update(
                    final_cost=float(costs[-tail:].mean()),
                    grid_cost=float(0.5 * np.mean((y_out - y_target) ** 2)),
                )
                curves[label] = costs
            except DivergenceError:
                entry.update(final_cost=None, grid_cost=None, diverged=True)
                y_out = np.full(y_target.shape, np.nan)
            results.append(entry)
            maps[f"{row_name}={_show(row)}"].append(y_out)
    columns = [
        f"{col_name}={_show(c)}" if col_name else config.function for c in col_values
    ]
    lo, hi = float(y_target.min()), float(y_target.max())
    figures = {
        "compare_cost": training_plots.cost_curves(
            curves,
            xlabel="batch",
            ylabel="cost C = ½⟨(y_out − y_target)²⟩",
            smooth=max(1, len(next(iter(curves.values()), [0])) // 50),
        ),
        "compare_grid": map_plots.maps_2d(
            maps,
            columns,
            (-0.5, 0.5, -0.5, 0.5),
            vmin=lo,
            vmax=hi,
            title="network output",
        ),
    }
    return results, figures


def _show(value):
    return (
        "x".join(map(str, value))
        if isinstance(value, tuple)
        else f"{value:g}"
        if isinstance(value, float)
        else str(value)
    )
