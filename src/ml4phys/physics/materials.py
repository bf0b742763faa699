"""Random binary alloys A_x B_(1-x) in a tight-binding model, solved exactly.

Lecture topic: "in physics: predict properties of materials". Each site of a chain (N
sites) or of a square lattice (L x L) holds an atom A (1) or B (0). One orbital per site,
periodic boundaries, spinless electrons:

    H = sum_i e_i c_i^+ c_i - t sum_<ij> (c_i^+ c_j + h.c.),   e_i = e_A or e_B.

At half filling (N/2 electrons, N sites) the exact eigenvalues eps_1 <= ... <= eps_N of H
give three properties per sample: the band gap eps_{N/2+1} - eps_{N/2}, the ground-state
energy per site sum_{n <= N/2} eps_n / N, and the density of states per site at the Fermi
level E_F = (eps_{N/2} + eps_{N/2+1}) / 2, broadened by a Gaussian of width ``sigma``.
``dataset`` caches samples as compressed .npz files, like the Ising data.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

__all__ = [
    "PROPERTIES",
    "data_folder",
    "dataset",
    "hamiltonian",
    "properties",
    "random_alloys",
    "spectrum",
]

PROPERTIES = ("gap", "energy", "dos_fermi")
FORMAT_VERSION = 1  # of the cached files; part of their key


def hamiltonian(atoms, e_a=1.0, e_b=-1.0, t=1.0):
    """The tight-binding matrix of each arrangement, periodic boundaries.

    Parameters
    ----------
    atoms : ndarray, shape (batch, N) for chains or (batch, L, L) for square lattices
        1 for A, 0 for B.

    Returns
    -------
    ndarray, shape (batch, n_sites, n_sites)
    """
    atoms = np.asarray(atoms)
    batch, lattice = atoms.shape[0], atoms.shape[1:]
    n_sites = int(np.prod(lattice))
    index = np.arange(n_sites).reshape(lattice)
    hopping = np.zeros((n_sites, n_sites))
    for axis in range(
        len(lattice)
    ):  # -t between each site and its right/down neighbour
        neighbour = np.roll(index, -1, axis=axis)
        hopping[index.ravel(), neighbour.ravel()] -= t
    hopping = hopping + hopping.T
    site_energy = np.where(atoms.reshape(batch, n_sites) == 1, e_a, e_b)
    h = np.broadcast_to(hopping, (batch, n_sites, n_sites)).copy()
    h[:, np.arange(n_sites), np.arange(n_sites)] += site_energy
    return h


def spectrum(atoms, e_a=1.0, e_b=-1.0, t=1.0):
    """Sorted eigenvalues (batch, n_sites) of ``hamiltonian``.

    numpy's eigvalsh (LAPACK syevd, as scipy.linalg.eigh) diagonalizes the whole batch.
    """
    return np.linalg.eigvalsh(hamiltonian(atoms, e_a, e_b, t))


def properties(eigenvalues, sigma=0.1):
    """Gap, energy per site and DOS per site at E_F, at half filling.

    Parameters
    ----------
    eigenvalues : ndarray, shape (batch, n_sites), sorted, n_sites even
    sigma : float
        Width of the Gaussian that broadens each level in the DOS.

    Returns
    -------
    dict of name -> ndarray (batch,), names as in ``PROPERTIES``
    """
    n_sites = eigenvalues.shape[1]
    half = n_sites // 2
    homo, lumo = eigenvalues[:, half - 1], eigenvalues[:, half]
    e_fermi = (homo + lumo) / 2
    # DOS(E) = (1/N) sum_n exp(-(E - eps_n)^2 / 2 sigma^2) / sqrt(2 pi) sigma
    gauss = np.exp(-0.5 * ((eigenvalues - e_fermi[:, None]) / sigma) ** 2)
    return {
        "gap": lumo - homo,
        "energy": eigenvalues[:, :half].sum(axis=1) / n_sites,
        "dos_fermi": gauss.sum(axis=1) / (n_sites * np.sqrt(2 * np.pi) * sigma),
    }


def random_alloys(n_samples, shape, rng):
    """``n_samples`` arrangements (n_samples, *shape) of 0/1, each with its own x.

    The composition x of each sample is uniform in [0, 1]; each site is A with
    probability x. Returns (atoms int8, x the realized fraction of A).
    """
    x = rng.uniform(0.0, 1.0, size=n_samples)
    atoms = rng.random((n_samples, *shape)) < x.reshape(-1, *[1] * len(shape))
    atoms = atoms.astype(np.int8)
    return atoms, atoms.reshape(n_samples, -1).mean(axis=1)


def _solve(n_samples, shape, e_a, e_b, t, sigma, seed, chunk=256):
    """Random alloys and their exact properties (diagonalized in chunks)."""
    atoms, x = random_alloys(n_samples, shape, np.random.default_rng(seed))
    values = {name: np.empty(n_samples) for name in PROPERTIES}
    for start in range(0, n_samples, chunk):
        part = slice(start, start + chunk)
        found = properties(spectrum(atoms[part], e_a, e_b, t), sigma)
        for name in PROPERTIES:
            values[name][part] = found[name]
    return atoms, x, values


def data_folder(data_dir=None):
    """``data_dir``, ``$ML4PHYS_DATA/materials`` or the user cache (as the Ising data)."""
    from ..common import paths

    return paths.candidate_dirs("materials", data_dir)[0][1]


def dataset(
    n_samples,
    shape,
    *,
    e_a=1.0,
    e_b=-1.0,
    t=1.0,
    sigma=0.1,
    seed=0,
    data_dir=None,
    refresh=False,
):
    """Random alloys of ``shape`` ((N,) or (L, L)) with exact properties, cached.

    The same parameters load the same file ``alloys_<shape>_<key>.npz`` (key: a hash of
    the parameters), written atomically; ``refresh=True`` computes it again.

    Returns
    -------
    atoms : ndarray, shape (n_samples, *shape), int8 (1 = A)
    x : ndarray, shape (n_samples,), fraction of A
    values : dict of name -> ndarray (n_samples,), see ``properties``
    path : Path of the cache file
    """
    from ..common.files import write_atomic

    shape = tuple(int(s) for s in shape)
    if len(shape) not in (1, 2) or any(s < 4 or s % 2 for s in shape):
        raise ValueError(
            f"materials.dataset: shape must be (N,) or (L, L) with even sizes >= 4, "
            f"received {shape}"
        )
    params = {"n_samples": int(n_samples), "shape": list(shape), "e_a": e_a}
    params.update(e_b=e_b, t=t, sigma=sigma, seed=int(seed), version=FORMAT_VERSION)
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    name = "x".join(map(str, shape))
    path = data_folder(data_dir) / f"alloys_{name}_{key}.npz"
    if path.exists() and not refresh:
        with np.load(path) as archive:
            values = {p: archive[p] for p in PROPERTIES}
            return archive["atoms"], archive["x"], values, path
    atoms, x, values = _solve(n_samples, shape, e_a, e_b, t, sigma, seed)
    write_atomic(path, lambda f: np.savez_compressed(f, atoms=atoms, x=x, **values))
    return atoms, x, values, path
