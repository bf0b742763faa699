"""Universality, by construction (lecture 1: "Approximating an arbitrary nonlinear
function", the AND trick, and the homework: OR, XOR, a square, a convex shape, and a
single hidden layer in 2D).

Every network here is built by hand from its weights, as a ``Sequential``, with no
training: a 1D function as a sum of sigmoid steps (error against the number of neurons),
AND / OR / XOR with steep sigmoids (weight ``w``), the quarter plane, the square and a
convex polygon as ANDs of half planes, and a bump from one hidden layer of half planes
in many directions (their sum minus its value far away). Then networks of the same
layouts are trained (Adam, random start) on the same targets, for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nn import layers, models, optimizers
from ..plots import maps as map_plots
from ..plots import universality as plots
from .base import Result, progress_bar

NAME = "universality"
DESCRIPTION = (
    "hand-built networks: step sums, AND/OR/XOR, 2D shapes; then trained (lecture 1)"
)

EXTENT = (-1.0, 1.0, -1.0, 1.0)
POLYGON = np.array([[-0.7, -0.5], [0.2, -0.8], [0.8, -0.1], [0.4, 0.7], [-0.5, 0.5]])


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    w: float = 20.0  # steepness of the logic and shape neurons
    neurons: tuple = (4, 8, 16, 32, 64, 128)  # for the 1D step sums
    directions: int = 64  # half planes of the single-layer bump
    radius: float = 0.3  # of the bump
    train_steps: int = 3000  # for the trained counterparts
    grid: int = 101
    seed: int = 0
    quick: bool = False  # up to 32 neurons, 1000 training steps, a 41-point grid


def network(weights, activations, dtype="float64"):
    """A Sequential of Dense layers with the given [(w, b), ...] and activations."""
    net = models.Sequential(dtype=dtype, seed=0)
    for k, ((w, _b), activation) in enumerate(zip(weights, activations)):
        w = np.asarray(w, float)
        net.add(
            layers.Dense(
                w.shape[1],
                activation=activation,
                input_shape=(w.shape[0],) if k == 0 else None,
            )
        )
    net.set_weights([np.asarray(a, float) for wb in weights for a in wb])
    return net


def target_1d(y):
    """The function to approximate in 1D."""
    return np.sin(3.0 * y) + 0.3 * y**2


def steps_network(function, n, lo=-2.0, hi=2.0):
    """1-n-1: F(y_0) + sum_k [F(y_k) - F(y_k-1)] sigmoid(w (y - m_k)), m_k the midpoints."""
    knots = np.linspace(lo, hi, n + 1)
    spacing = (hi - lo) / n
    w = 4.0 / spacing  # steps about as wide as the spacing: smooth, yet local
    middles = 0.5 * (knots[1:] + knots[:-1])
    jumps = np.diff(function(knots))
    return network(
        [(np.full((1, n), w), -w * middles), (jumps[:, None], [function(knots[0])])],
        ["sigmoid", "linear"],
    )


def logic_networks(w):
    """AND, OR (one neuron each) and XOR = OR and not AND (one hidden layer)."""
    return {
        "AND": network([([[w], [w]], [-1.5 * w])], ["sigmoid"]),
        "OR": network([([[w], [w]], [-0.5 * w])], ["sigmoid"]),
        "XOR": network(
            [
                ([[w, w], [w, w]], [-0.5 * w, -1.5 * w]),  # hidden: OR, AND
                ([[w], [-w]], [-0.5 * w]),
            ],
            ["sigmoid", "sigmoid"],
        ),
    }


def and_of_half_planes(normals, offsets, w):
    """sigmoid(w (sum_k h_k - (N - 1/2))), h_k = sigmoid(w (n_k . x - c_k)): all k true."""
    normals = np.asarray(normals, float)
    n = len(normals)
    return network(
        [
            (w * normals.T, -w * np.asarray(offsets, float)),
            (np.full((n, 1), w), [-w * (n - 0.5)]),
        ],
        ["sigmoid", "sigmoid"],
    )


def polygon_half_planes(vertices):
    """Inward unit normals n_k and offsets c_k (n_k . x > c_k inside) of a convex polygon
    whose vertices run counter-clockwise.
    """
    edges = np.roll(vertices, -1, axis=0) - vertices
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)  # edge turned left: inward
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return normals, np.sum(normals * vertices, axis=1)


def shape_networks(w, directions, radius):
    """The 2D constructions, each with its ideal target function."""
    square = 0.5
    angles = 2 * np.pi * np.arange(directions) / directions
    unit = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    poly_normals, poly_offsets = polygon_half_planes(POLYGON)
    bump = network(
        [
            (w * -unit.T, np.full(directions, w * radius)),  # on: u . x < r
            (np.full((directions, 1), 2.0 / directions), [-1.0]),
        ],
        ["sigmoid", "linear"],
    )  # (sum - N/2) / (N/2): 1 inside, -> 0 far away
    return {
        "quarter": (
            and_of_half_planes(np.eye(2), [0, 0], w),
            lambda x: (x[:, 0] > 0) & (x[:, 1] > 0),
        ),
        "square": (
            and_of_half_planes([[1, 0], [-1, 0], [0, 1], [0, -1]], [-square] * 4, w),
            lambda x: np.all(np.abs(x) < square, axis=1),
        ),
        "polygon": (
            and_of_half_planes(poly_normals, poly_offsets, w),
            lambda x: np.all(x @ poly_normals.T > poly_offsets, axis=1),
        ),
        "bump": (bump, lambda x: np.hypot(x[:, 0], x[:, 1]) < radius),
    }


def train_like(net, x, y, steps, seed, learning_rate=0.02, batchsize=256):
    """A freshly initialized copy of ``net``'s layout, trained with Adam on (x, y)."""
    trained = models.Sequential(seed=seed)
    for k, layer in enumerate(net.layers):
        trained.add(
            layers.Dense(
                layer.units,
                activation=layer.activation.name,
                input_shape=net.input_shape if k == 0 else None,
            )
        )
    trained.compile(
        loss="mean_squared_error",
        optimizer=optimizers.Adam(learning_rate=learning_rate),
    )
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        index = rng.integers(0, len(x), size=min(batchsize, len(x)))
        trained.train_on_batch(x[index], y[index])
    return trained


def one_dimensional(config):
    y = np.linspace(-2, 2, 801)[:, None]
    target = target_1d(y[:, 0])
    errors, shown = [], {}
    for n in config.neurons:
        out = steps_network(target_1d, n).forward(y)[:, 0]
        errors.append(float(np.sqrt(np.mean((out - target) ** 2))))
        if n in config.neurons[::2]:
            shown[f"{n} neurons"] = out
    n_train = config.neurons[min(2, len(config.neurons) - 1)]
    trained = train_like(
        steps_network(target_1d, n_train),
        y,
        target[:, None],
        config.train_steps,
        config.seed,
    )
    learned = trained.forward(y)[:, 0]
    shown[f"{n_train} neurons, trained"] = learned
    numbers = {
        "neurons": list(config.neurons),
        "rms_error": errors,
        f"trained_rms_error_{n_train}": float(
            np.sqrt(np.mean((learned - target) ** 2))
        ),
    }
    return numbers, plots.steps_1d(y[:, 0], target, shown, config.neurons, errors)


def logic(config):
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    truth = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
    axis = np.linspace(-0.25, 1.25, config.grid)
    points = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    numbers, maps, learned_maps, notes = {}, [], [], []
    for name, net in logic_networks(config.w).items():
        table = net.forward(corners)[:, 0]
        trained = train_like(
            net,
            corners,
            np.array(truth[name], float)[:, None],
            max(config.train_steps, 2000),
            config.seed,
            learning_rate=0.1,
        )
        learned = trained.forward(corners)[:, 0]
        numbers[name] = {
            "table": [round(float(v), 6) for v in table],
            "max_error": float(np.max(np.abs(table - truth[name]))),
            "trained_table": [round(float(v), 4) for v in learned],
        }
        maps.append(net.forward(points).reshape(config.grid, config.grid))
        learned_maps.append(trained.forward(points).reshape(config.grid, config.grid))
        notes.append(
            "\n".join(
                f"{int(a)}{int(b)} -> {v:.3f}" for (a, b), v in zip(corners, table)
            )
        )
    names = list(logic_networks(config.w))
    figure = map_plots.maps_2d(
        {"constructed": maps, "trained": learned_maps},
        names,
        (-0.25, 1.25, -0.25, 1.25),
        notes={"constructed": notes},
        title=f"logic gates from sigmoid neurons, w = {config.w:g}",
    )
    return numbers, figure


def shapes(config):
    axis = np.linspace(-1, 1, config.grid)
    points = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    rng = np.random.default_rng(config.seed)
    samples = rng.uniform(-1, 1, size=(20000, 2))
    rows = {"ideal": [], "constructed": [], "trained": []}
    numbers = {}
    for name, (net, inside) in shape_networks(
        config.w, config.directions, config.radius
    ).items():
        ideal = inside(points).astype(float)
        built = net.forward(points)[:, 0]
        trained = train_like(
            net,
            samples,
            inside(samples).astype(float)[:, None],
            config.train_steps,
            config.seed,
            learning_rate=0.05,
        )
        learned = trained.forward(points)[:, 0]
        numbers[name] = {
            "accuracy": float(np.mean((built > 0.5) == (ideal > 0.5))),
            "trained_accuracy": float(np.mean((learned > 0.5) == (ideal > 0.5))),
        }
        for row, values in zip(rows, (ideal, built, learned)):
            rows[row].append(values.reshape(config.grid, config.grid))
    bump = shape_networks(config.w, config.directions, config.radius)["bump"][0]
    r = np.array([[0.0, 0.0], [3 * config.radius, 0.0]])
    numbers["bump"].update(
        zip(("center", "at_3_radii"), map(float, bump.forward(r)[:, 0]))
    )
    figure = map_plots.maps_2d(
        rows,
        list(numbers),
        EXTENT,
        vmin=-0.2,
        vmax=1.0,
        title="2D shapes: ideal, constructed from weights, trained",
    )
    return numbers, figure


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = Config(
            w=config.w,
            neurons=(4, 8, 16, 32),
            directions=32,
            train_steps=1000,
            grid=41,
            seed=config.seed,
        )
    numbers, figures = {}, {}
    parts = [("steps_1d", one_dimensional), ("logic", logic), ("shapes", shapes)]
    with progress_bar(progress, len(parts), NAME) as bar:
        for name, part in parts:
            numbers[name], figures[name] = part(config)
            bar.update()
    return Result(numbers=numbers, figures=figures, config=config)
