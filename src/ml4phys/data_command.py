"""``ml4phys data``: download MNIST, or sample and cache an Ising data set, and say where.

The ``ising`` options (lattice, temperatures, samples, Monte Carlo schedule) are those of
``ml4phys.physics.sampling.dataset``; ``cli.py`` adds them to its ``data`` command.
"""

from __future__ import annotations

import time

from tqdm.auto import tqdm

from . import options
from .data import mnist
from .physics import sampling

__all__ = ["add_ising_options", "run"]


# long by design: an argparse option table (CONTRIBUTING.md, Sizes)
def add_ising_options(data):
    """Add the ``ising`` options to the ``data`` subparser ``data``."""
    group = data.add_argument_group(
        "ising (Monte Carlo configurations, cached as .npz)"
    )
    group.add_argument(
        "--L",
        type=options.int_at_least(2, "--L"),
        default=20,
        help="lattice size (default: 20)",
    )
    group.add_argument(
        "--temperatures",
        default="1.0:3.5:40",
        help="START:STOP:COUNT or T1,T2,... (default: %(default)s)",
    )
    group.add_argument(
        "--n-samples",
        type=options.int_at_least(1, "--n-samples"),
        default=1000,
        help="configurations per temperature (default: 1000)",
    )
    group.add_argument(
        "--equilibration",
        type=options.int_at_least(0, "--equilibration"),
        default=500,
        help="Monte Carlo updates before the first sample (default: 500)",
    )
    group.add_argument(
        "--spacing",
        type=options.int_at_least(1, "--spacing"),
        default=None,
        help="updates between samples (default: ceil(2 tau) per T)",
    )
    group.add_argument(
        "--algorithm",
        choices=["auto", "metropolis", "wolff"],
        default="auto",
        help="Monte Carlo updates: single spin flips, Wolff clusters, or auto: Wolff "
        "near T_c (default: auto)",
    )
    group.add_argument(
        "--seed",
        type=options.int_at_least(0, "--seed"),
        default=0,
        help="random seed (default: 0)",
    )


def run(args):
    """``ml4phys data mnist|ising``: fetch MNIST, or sample (or load) an Ising data set."""
    if args.dataset == "mnist":
        folder = mnist.fetch(data_dir=args.data_dir, refresh=args.refresh)
        print(f"MNIST is in {folder}")
    elif args.dataset == "ising":
        return _data_ising(args)
    return 0


def _data_ising(args):
    """Sample or load the Ising data set the options describe; print a table of it."""
    temperatures = _temperature_list(args.temperatures)
    start = time.perf_counter()
    samples, path = sampling.dataset(
        args.L,
        temperatures,
        args.n_samples,
        equilibration=args.equilibration,
        spacing=args.spacing,
        algorithm=args.algorithm,
        seed=args.seed,
        data_dir=args.data_dir,
        progress=tqdm,
        refresh=args.refresh,
    )
    n_t, n = samples.spins.shape[:2]
    print(
        f"{n_t} temperatures x {n} configurations of {args.L}x{args.L} in {path} "
        f"({time.perf_counter() - start:.1f} s)"
    )
    print(
        f"{'T':>6s} {'tau':>6s} {'spacing':>7s} {'energy':>9s} {'|m|':>7s}  algorithm"
    )
    obs = samples.observables
    for i, t in enumerate(samples.temperatures):
        print(
            f"{t:6.3f} {samples.tau[i]:6.2f} {samples.spacing[i]:7d} "
            f"{obs['energy'][i]:9.4f} {obs['abs_magnetization'][i]:7.4f}  "
            f"{samples.algorithm[i]}"
        )
    return 0


def _temperature_list(text):
    """'1.0:3.5:40' (linspace) or '1.5,2.0,3.0' -> list of floats."""
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            start, stop, count = float(start), float(stop), int(count)
            step = (stop - start) / (count - 1) if count > 1 else 0.0
            return [start + i * step for i in range(count)]  # as np.linspace
        return [float(v) for v in text.split(",") if v]
    except ValueError:
        raise ValueError(
            f"--temperatures: expected START:STOP:COUNT or T1,T2,..., received {text!r}"
        ) from None
