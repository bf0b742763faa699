"""Two homeworks as one experiment: other activation functions, and deep vs shallow
networks with the same number of weights.

Tasks: ``fit2d`` (learn the 2D "bump" function from random batches of points, mean
squared error; lecture 2) and ``mnist`` (classify digits, cross-entropy; lecture 4).
For each activation (sigmoid, tanh, ReLU, ELU) two layouts are trained, with equal
weight counts (weights and biases):

* fit2d: deep 2-20-20-20-1 (921) against shallow 2-230-1 (921);
* mnist: deep 784-100-100-100-10 (99,710) against shallow 784-125-10 (99,385).

Every net is trained with Adam on the same batches, once per seed. Reported: the cost
against batches (mean over seeds) and the final test cost with its standard error over
the seeds (fit2d: MSE on fresh points; mnist: test cross-entropy and test error).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.figure import Figure

from ..data import functions, mnist
from ..nn import layers, models, optimizers
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "activations-depth"
DESCRIPTION = "sigmoid/tanh/ReLU/ELU, deep vs shallow at equal weights (homeworks)"
LAYOUTS = {
    "fit2d": {"deep": (20, 20, 20), "shallow": (230,)},
    "mnist": {"deep": (100, 100, 100), "shallow": (125,)},
}


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    tasks: tuple = ("fit2d", "mnist")
    activations: tuple = ("sigmoid", "tanh", "relu", "elu")
    seeds: int = 3
    batches: int = 2000  # per net
    batch_size: int = 100
    fit2d_learning_rate: float = 0.003  # Adam
    mnist_learning_rate: float = 0.001
    n_train: int = 20_000  # MNIST training images
    data_dir: str = ""  # MNIST folder; default ML4PHYS_DATA or the cache
    seed: int = 0
    quick: bool = False  # seconds: fit2d only, two activations, few batches


QUICK = {"tasks": ("fit2d",), "activations": ("sigmoid", "relu"), "seeds": 2}


def _net(task, hidden, activation, seed, learning_rate):
    n_in, n_out = (2, 1) if task == "fit2d" else (784, 10)
    net = models.Sequential(seed=seed)
    for i, units in enumerate(hidden):
        net.add(
            layers.Dense(
                units, activation=activation, input_shape=(n_in,) if i == 0 else None
            )
        )
    net.add(layers.Dense(n_out, activation=None if task == "fit2d" else "softmax"))
    loss = "mean_squared_error" if task == "fit2d" else "categorical_crossentropy"
    net.compile(loss=loss, optimizer=optimizers.Adam(learning_rate))
    return net


class _Task:
    """Batches and the test set of one task; the same for every net of a seed."""

    def __init__(self, task, config):
        self.task = task
        if task == "fit2d":
            rng = np.random.default_rng(10_000 + config.seed)
            self.test = functions.sample_batch(functions.bump, 5000, rng)
            self.learning_rate = config.fit2d_learning_rate
        else:
            (self.x, self.y), _, test = mnist.lecture_split(
                config.seed,
                data_dir=config.data_dir or None,
                progress=False,
                n_train=config.n_train,
                n_validation=0,
            )
            self.test = test
            self.learning_rate = config.mnist_learning_rate

    def batch(self, rng, size):
        if self.task == "fit2d":
            return functions.sample_batch(functions.bump, size, rng)
        chosen = rng.integers(0, len(self.x), size)
        return self.x[chosen], self.y[chosen]

    def score(self, net):
        """Test cost (and, for mnist, test error)."""
        x, y = self.test
        out = net.predict(x, batch_size=1000)
        if self.task == "fit2d":
            return {"test_cost": float(np.mean((out - y) ** 2))}
        p = np.sum(out * y, axis=1)
        return {
            "test_cost": float(-np.mean(np.log(np.maximum(p, 1e-12)))),
            "test_error": float(np.mean(out.argmax(1) != y.argmax(1))),
        }


def _train_one(task, hidden, activation, seed, config):
    """(costs per batch, test scores) of one net; batches drawn with ``seed``."""
    net = _net(task.task, hidden, activation, seed, task.learning_rate)
    rng = np.random.default_rng(seed)
    costs = np.empty(config.batches)
    for k in range(config.batches):
        costs[k] = np.ravel(net.train_on_batch(*task.batch(rng, config.batch_size)))[0]
    return costs, {**task.score(net), "params": int(net.count_params())}


def _summary(scores):
    """Mean and standard error over seeds of each score."""
    out = {"params": scores[0]["params"]}
    for key in scores[0]:
        if key != "params":
            values = np.array([s[key] for s in scores])
            out[key] = float(values.mean())
            out[f"{key}_stderr"] = float(values.std(ddof=1) / np.sqrt(len(values)))
    return out


def _final_figure(task, numbers, activations):
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(activations))
    for k, depth in enumerate(("deep", "shallow")):
        rows = [numbers[f"{a}/{depth}"] for a in activations]
        ax.errorbar(
            x + (k - 0.5) * 0.15,
            [r["test_cost"] for r in rows],
            yerr=[r["test_cost_stderr"] for r in rows],
            fmt="o",
            capsize=4,
            label=f"{depth} {LAYOUTS[task][depth]}",
        )
    ax.set_xticks(x, activations)
    ax.set_yscale("log")
    ax.set(ylabel="final test cost (mean ± s.e. over seeds)", title=task)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def _one_task(name, config, bar):
    task = _Task(name, config)
    numbers, curves = {}, {}
    for activation in config.activations:
        for depth, hidden in LAYOUTS[name].items():
            runs = []
            for s in range(config.seeds):
                runs.append(
                    _train_one(task, hidden, activation, config.seed + s, config)
                )
                bar.update()
            key = f"{activation}/{depth}"
            curves[key] = np.mean([costs for costs, _ in runs], axis=0)
            numbers[key] = _summary([scores for _, scores in runs])
            numbers[key]["final_train_cost"] = float(curves[key][-100:].mean())
    return numbers, curves


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = replace(config, **QUICK, batches=min(config.batches, 400))
    unknown = set(config.tasks) - set(LAYOUTS)
    if unknown:
        raise ValueError(f"unknown tasks {sorted(unknown)}; known: fit2d, mnist")
    total = len(config.tasks) * len(config.activations) * 2 * config.seeds
    numbers, figures = {"seeds": config.seeds, "batches": config.batches}, {}
    with progress_bar(progress, total, NAME) as bar:
        for name in config.tasks:
            numbers[name], curves = _one_task(name, config, bar)
            figures[f"cost_{name}"] = training_plots.cost_curves(
                curves,
                ylabel="training cost (mean over seeds)",
                title=name,
                smooth=max(1, config.batches // 50),
            )
            figures[f"final_{name}"] = _final_figure(
                name, numbers[name], config.activations
            )
    return Result(numbers=numbers, figures=figures)
