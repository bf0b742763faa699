"""Predict properties of a material from its structure (lecture: "in physics: predict
properties of materials").

Random binary alloys A_x B_(1-x) on a chain and on a square lattice; their tight-binding
Hamiltonian is diagonalized exactly (``ml4phys.physics.materials``) for three properties
at half filling: band gap, ground-state energy per site, DOS per site at the Fermi level.
Three predictors learn them from a training set of one size:

* ``composition``: sees only x, the fraction of A (a cubic polynomial in x);
* ``motifs``: linear regression on the fractions of AA, AB and BB bonds (monomials up
  to third order);
* ``conv``: a conv net on the arrangement (A = +1, B = -1), periodic (wrap) padding,
  global average pooling, Dense(tanh), Dense(1), one net per property: it reads
  lattices of any size.

All are tested on larger lattices than they were trained on: the MAE per property and
size comes with the exact answer's scale (its standard deviation) beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..nn import layers, models, optimizers
from ..physics import materials
from ..plots import training as training_plots
from .base import Result, progress_bar

NAME = "materials"
DESCRIPTION = "tight-binding alloys: conv net vs composition and bond counts, by size"
PREDICTORS = ("composition", "motifs", "conv")


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    lattices: tuple = ("chain", "square")
    chain_sizes: tuple = (32, 64, 128, 256)  # the first is trained on, all are tested
    square_sizes: tuple = (8, 12, 16)
    n_train: int = 4000
    n_test: int = 400  # per size
    e_a: float = 1.0  # site energies and hopping of H
    e_b: float = -1.0
    hopping: float = 1.0
    sigma: float = 0.1  # Gaussian broadening of the DOS
    filters: int = 16
    conv_layers: int = 4
    kernel: int = 3
    dense_units: int = 32  # Dense(tanh) after the pooling, before Dense(1)
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 0.002  # Adam
    data_dir: str = ""  # default: ML4PHYS_DATA/materials or the cache
    seed: int = 0
    quick: bool = False  # the chain only, small and short: seconds


def _data(config, shape, n_samples, seed):
    atoms, x, values, _ = materials.dataset(
        n_samples,
        shape,
        e_a=config.e_a,
        e_b=config.e_b,
        t=config.hopping,
        sigma=config.sigma,
        seed=seed,
        data_dir=config.data_dir or None,
    )
    return atoms, x, np.stack([values[p] for p in materials.PROPERTIES], axis=1)


def bond_fractions(atoms):
    """Fractions of AA and BB nearest-neighbour bonds (AB is the rest), (batch, 2)."""
    fractions = []
    for axis in range(1, atoms.ndim):
        right = np.roll(atoms, -1, axis=axis)
        fractions.append([(atoms & right), (1 - atoms) & (1 - right)])
    counts = np.array(fractions).sum(axis=0)  # (2, batch, *lattice)
    return counts.reshape(2, len(atoms), -1).mean(axis=2).T / (atoms.ndim - 1)


def _features(kind, atoms, x):
    """Design matrix of a linear baseline: powers x^0..x^3, or all monomials
    f_AA^i f_BB^j with i + j <= 3 (x = (1 + f_AA - f_BB) / 2: the motifs see x too).
    """
    if kind == "composition":
        return np.stack([x**0, x, x**2, x**3], axis=1)
    f_aa, f_bb = bond_fractions(atoms).T
    powers = [(i, j) for i in range(4) for j in range(4 - i)]
    return np.stack([f_aa**i * f_bb**j for i, j in powers], axis=1)


def _as_image(atoms, halo):
    """+-1 images (batch, height, width, 1), wrapped by ``halo`` sites (periodic)."""
    spins = 2.0 * atoms.astype(np.float32) - 1.0
    if spins.ndim == 2:  # a chain is a 1 x N image
        spins = spins[:, None, :]
        pad = ((0, 0), (0, 0), (halo, halo))
    else:
        pad = ((0, 0), (halo, halo), (halo, halo))
    return np.pad(spins, pad, mode="wrap")[..., None]


def _conv_net(config, image_shape, chain):
    kernel = (1, config.kernel) if chain else (config.kernel, config.kernel)
    net = models.Sequential(seed=config.seed)
    for i in range(config.conv_layers):  # valid padding: the wrapped halo is eaten
        net.add(
            layers.Conv2D(
                config.filters,
                kernel,
                activation="relu",
                input_shape=image_shape if i == 0 else None,
            )
        )
    net.add(layers.GlobalAveragePooling2D())  # site averages: any lattice size
    net.add(layers.Dense(config.dense_units, activation="tanh"))
    net.add(layers.Dense(1))
    net.compile(loss="mse", optimizer=optimizers.Adam(config.learning_rate))
    return net


def _apply(net, images):
    """The net's layers one after another: any lattice size (the model checks shapes)."""
    out = []
    for start in range(0, len(images), 256):
        y = images[start : start + 256]
        for layer in net.layers:
            y = layer(y)
        out.append(y)
    return np.concatenate(out)


class _Predictors:
    """The three predictors, fitted on one training set."""

    def __init__(self, config, atoms, x, targets, bar):
        self.halo = config.conv_layers * (config.kernel // 2)
        self.mean, self.std = targets.mean(axis=0), targets.std(axis=0)
        self.weights = {
            kind: np.linalg.lstsq(_features(kind, atoms, x), targets, rcond=None)[0]
            for kind in ("composition", "motifs")
        }
        images = _as_image(atoms, self.halo)
        standard = (targets - self.mean) / self.std
        self.nets, self.losses = [], {}
        for j, name in enumerate(materials.PROPERTIES):  # one net per property
            net = _conv_net(config, images.shape[1:], atoms.ndim == 2)
            self.losses[name] = []
            for _ in range(config.epochs):
                history = net.fit(
                    images,
                    standard[:, j : j + 1],
                    batch_size=config.batch_size,
                    epochs=1,
                    verbose=0,
                )
                self.losses[name].append(history.history["loss"][-1])
                bar.update()
            self.nets.append(net)

    def predict(self, kind, atoms, x):
        if kind == "conv":
            images = _as_image(atoms, self.halo)
            standard = np.hstack([_apply(net, images) for net in self.nets])
            return standard * self.std + self.mean
        return _features(kind, atoms, x) @ self.weights[kind]


def _sizes(config, lattice):
    if config.quick:
        return (16, 32) if lattice == "chain" else (4, 8)
    return config.chain_sizes if lattice == "chain" else config.square_sizes


def _shape(lattice, size):
    return (size,) if lattice == "chain" else (size, size)


def _one_lattice(config, lattice, bar):
    """Train at the first size, test at every size: numbers and the loss curve."""
    sizes = _sizes(config, lattice)
    n_train, n_test = (1500, 300) if config.quick else (config.n_train, config.n_test)
    train = _data(config, _shape(lattice, sizes[0]), n_train, config.seed)
    fitted = _Predictors(config, *train, bar)
    numbers = {"train_size": sizes[0], "n_train": n_train, "n_test": n_test}
    for k, size in enumerate(sizes):
        atoms, x, exact = _data(
            config, _shape(lattice, size), n_test, config.seed + 1 + k
        )
        row = {}
        for j, name in enumerate(materials.PROPERTIES):
            row[name] = {"scale": float(exact[:, j].std())}
        for kind in PREDICTORS:
            error = np.abs(fitted.predict(kind, atoms, x) - exact).mean(axis=0)
            for j, name in enumerate(materials.PROPERTIES):
                row[name][kind] = float(error[j])
        numbers[str(size)] = row
    return numbers, fitted.losses


def _error_figure(lattice, numbers, sizes):
    """MAE against size, one panel per property, the exact answer's scale dashed."""
    names = materials.PROPERTIES
    fig = Figure(figsize=(4 * len(names), 3.6), layout="constrained")
    for ax, name in zip(fig.subplots(1, len(names)), names):
        rows = [numbers[str(s)][name] for s in sizes]
        for kind in PREDICTORS:
            ax.plot(sizes, [r[kind] for r in rows], marker="o", label=kind)
        ax.plot(sizes, [r["scale"] for r in rows], "k--", label="std of exact")
        ax.axvline(sizes[0], color="0.6", lw=0.8, ls=":")
        ax.set_yscale("log")
        ax.set_xlabel("sites" if lattice == "chain" else "L (L x L sites)")
        ax.set_ylabel(f"MAE of {name}")
        ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.suptitle(f"{lattice}: trained at size {sizes[0]} (dotted), tested at all")
    return fig


def run(config: Config, progress=None) -> Result:
    lattices = ("chain",) if config.quick else tuple(config.lattices)
    unknown = set(lattices) - {"chain", "square"}
    if unknown:
        raise ValueError(f"unknown lattices {sorted(unknown)}; known: chain, square")
    epochs = 12 if config.quick else config.epochs
    config = _with_epochs(config, epochs)
    numbers, figures, losses = {"properties": list(materials.PROPERTIES)}, {}, {}
    total = epochs * len(lattices) * len(materials.PROPERTIES)
    with progress_bar(progress, total, NAME) as bar:
        for lattice in lattices:
            numbers[lattice], curves = _one_lattice(config, lattice, bar)
            losses.update({f"{lattice}: {k}": v for k, v in curves.items()})
            sizes = _sizes(config, lattice)
            figures[f"error_{lattice}"] = _error_figure(
                lattice, numbers[lattice], sizes
            )
    figures["cost"] = training_plots.cost_curves(
        losses, xlabel="epoch", ylabel="training MSE (standardized targets)"
    )
    return Result(numbers=numbers, figures=figures)


def _with_epochs(config, epochs):
    from dataclasses import replace

    return replace(config, epochs=epochs)
