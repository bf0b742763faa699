"""Step size, batch size and randomness (lecture 3: "Influence of learning rate",
"Influence of batch size / learning rate", "Randomness (initial weights, learning
samples)").

The task is fit2d's: learn a 2D function with the lecture's sigmoid network and plain
SGD. Three sweeps: the step eta (same batches), the batch size at a fixed eta (cost
against samples seen and against steps: small steps average like a larger batch), and
the random seed (initial weights and samples). The cost per batch is the lecture's
C = 1/2 <(y_out - y_target)^2>; "steps to reach" counts the batches until its running
mean over ``window`` batches first falls below ``reach`` x the best constant's cost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..data import functions
from ..nn.training import DivergenceError
from ..plots import sweeps
from . import fit2d
from .base import Result, progress_bar

NAME = "learning-rate"
DESCRIPTION = "influence of step size, batch size and random initialization (lecture 3)"


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    function: str = "bump"
    hidden: tuple = (20, 30)
    etas: tuple = (0.3, 1.0, 3.0, 10.0, 30.0)
    eta: float = 3.0  # for the batch-size and seed sweeps
    batches: int = 2000  # per run of the eta and seed sweeps
    batchsize: int = 1000
    batchsizes: tuple = (10, 100, 1000)
    samples: int = 200_000  # per run of the batch-size sweep
    seeds: tuple = (0, 1, 2, 3, 4)
    reach: float = 0.5  # threshold, in units of the best constant's cost
    window: int = 20
    seed: int = 0
    quick: bool = False  # 2 etas, 600 batches of 100, 2 batch sizes


def settings(config):
    if not config.quick:
        return config
    return dataclasses.replace(
        config,
        etas=(0.3, 3.0),
        batches=600,
        batchsize=100,
        batchsizes=(10, 100),
        samples=20_000,
        seeds=(0, 1, 2),
        quick=False,
    )


def one_run(config, eta, batches, batchsize, seed):
    """Costs per batch of one fit2d training run (None if it diverged)."""
    run_config = fit2d.Config(
        function=config.function,
        hidden=config.hidden,
        eta=eta,
        batches=batches,
        batchsize=batchsize,
        seed=seed,
    )
    try:
        return fit2d.train(run_config)[1]
    except DivergenceError:
        return None


def summary(costs, threshold, window):
    """Final cost (mean of the last 10%) and steps to reach the threshold."""
    if costs is None:
        return {"final_cost": None, "steps_to_reach": None, "diverged": True}
    smooth = sweeps.running_mean(costs, window)
    below = np.nonzero(smooth < threshold)[0]
    return {
        "final_cost": float(costs[-max(1, len(costs) // 10) :].mean()),
        "steps_to_reach": int(below[0]) + 1 if len(below) else None,
    }


def run(config: Config, progress=None) -> Result:
    config = settings(config)
    if config.function not in functions.FUNCTIONS:
        raise ValueError(f"unknown function {config.function!r}")
    points, _ = functions.grid(100)
    target = functions.FUNCTIONS[config.function](points[:, 0], points[:, 1])
    cost_of_mean = float(0.5 * np.var(target))
    threshold = config.reach * cost_of_mean
    total = len(config.etas) + len(config.batchsizes) + len(config.seeds)
    runs = {"eta": {}, "batchsize": {}, "seed": {}}
    with progress_bar(progress, total, NAME) as bar:
        for eta in config.etas:
            runs["eta"][eta] = one_run(
                config, eta, config.batches, config.batchsize, config.seed
            )
            bar.update()
        for size in config.batchsizes:
            runs["batchsize"][size] = one_run(
                config, config.eta, max(1, config.samples // size), size, config.seed
            )
            bar.update()
        for seed in config.seeds:
            runs["seed"][seed] = one_run(
                config, config.eta, config.batches, config.batchsize, seed
            )
            bar.update()
    numbers = {"cost_of_mean": cost_of_mean, "threshold": threshold}
    for sweep, results in runs.items():
        numbers[sweep] = {
            f"{key:g}": summary(costs, threshold, config.window)
            for key, costs in results.items()
        }
    finals = [v["final_cost"] for v in numbers["seed"].values() if v["final_cost"]]
    numbers["seed_spread"] = float(np.std(finals) / np.mean(finals)) if finals else None
    return Result(numbers=numbers, figures=figures(config, runs))


# long by design: the numbers and figures of the experiment, one per line (CONTRIBUTING.md, Sizes)
def figures(config, runs):
    def steps(costs):
        return np.arange(1, len(costs) + 1)

    ylabel = "cost C = ½⟨(y_out − y_target)²⟩"
    smooth = config.window
    by_eta = {
        f"eta = {eta:g}": (steps(c), c)
        for eta, c in runs["eta"].items()
        if c is not None
    }
    by_seed = {
        f"seed {s}": (steps(c), c) for s, c in runs["seed"].items() if c is not None
    }
    sizes = {size: c for size, c in runs["batchsize"].items() if c is not None}
    return {
        "learning_rate": sweeps.curve_panels(
            {"batch": by_eta},
            ylabel,
            smooth=smooth,
            title=f"step size, batch size {config.batchsize}",
        ),
        "batch_size": sweeps.curve_panels(
            {
                "training samples seen": {
                    f"batch size {b}": (steps(c) * b, c) for b, c in sizes.items()
                },
                "batch (step)": {
                    f"batch size {b}": (steps(c), c) for b, c in sizes.items()
                },
            },
            ylabel,
            logx=True,
            smooth=smooth,
            title=f"batch size at eta = {config.eta:g}",
        ),
        "randomness": sweeps.curve_panels(
            {"batch": by_seed},
            ylabel,
            smooth=smooth,
            title="random initial weights and samples",
        ),
    }
