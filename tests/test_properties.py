"""Property-based tests (hypothesis) of public constructors and entry points.

For generated arguments, valid and invalid, each call gives either a correct, finite
result or a ValueError/TypeError whose message names the argument: never an IndexError,
a ZeroDivisionError, a raw NumPy message, a hang, or a silently wrong value. Examples are
few and small, so the whole file runs in well under a minute.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml4phys.common import checks

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# a mix of sensible and nonsensical values for a numeric argument
numbers = st.one_of(
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from(["8", None, 2.5, True]),
)


def outcome(call, *names):
    """call()'s result, or None after a ValueError/TypeError naming one of ``names``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call()
    except (ValueError, TypeError) as error:
        message = str(error)
        assert any(name in message for name in names), (
            f"{type(error).__name__} does not name {names}: {message}"
        )
        return None


def is_positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# ------------------------------------------------------------------ common.checks


@FAST
@given(value=numbers)
def test_positive_int_accepts_exactly_the_positive_ints(value):
    result = outcome(lambda: checks.positive_int("n", value, where="f"), "f: n must")
    assert (result is not None) == is_positive_int(value)


@FAST
@given(
    x=st.lists(
        st.floats(allow_nan=True, allow_infinity=True, width=32),
        min_size=1,
        max_size=12,
    )
)
def test_finite_array_finds_the_first_bad_value(x):
    array = np.array(x, np.float32)
    result = outcome(lambda: checks.finite_array("x", array), "x holds")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        assert result is None
    else:
        np.testing.assert_array_equal(result, array)


# ------------------------------------------------------------------ nn


@FAST
@given(units=numbers)
def test_dense_units(units):
    from ml4phys.nn.layers import Dense

    layer = outcome(lambda: Dense(units), "units")
    assert (layer is not None) == is_positive_int(units)


@FAST
@given(learning_rate=numbers)
def test_optimizer_learning_rate(learning_rate):
    from ml4phys.nn import optimizers

    opt = outcome(lambda: optimizers.SGD(learning_rate), "learning_rate")
    if opt is not None:
        assert np.isfinite(opt.learning_rate) and opt.learning_rate >= 0


@FAST
@given(
    batch_size=st.one_of(st.none(), st.integers(-3, 40)),
    epochs=st.integers(-2, 2),
    n=st.integers(1, 12),
    bad=st.sampled_from([None, np.nan, np.inf]),
    where=st.sampled_from(["x", "y"]),
)
def test_fit_gives_finite_losses_or_names_the_argument(
    batch_size, epochs, n, bad, where
):
    from ml4phys.nn import optimizers
    from ml4phys.nn.layers import Dense
    from ml4phys.nn.models import Sequential

    net = Sequential([Dense(4, "tanh", input_shape=(2,)), Dense(1)], seed=0)
    net.compile(loss="mse", optimizer=optimizers.SGD(0.05))
    rng = np.random.default_rng(0)
    data = {"x": rng.normal(size=(n, 2)), "y": rng.normal(size=(n, 1))}
    if bad is not None:
        data[where][n // 2, 0] = bad
    history = outcome(
        lambda: net.fit(data["x"], data["y"], batch_size=batch_size, epochs=epochs),
        "batch_size",
        "epochs",
        "x holds",
        "y holds",
    )
    if history is not None:
        assert bad is None and (batch_size is None or batch_size > 0)
        assert all(np.isfinite(history.history.get("loss", [0.0])))
        assert np.isfinite(net.predict(data["x"], batch_size=batch_size)).all()


@FAST
@given(labels=st.lists(st.one_of(st.integers(-3, 13), st.floats(-2, 12)), min_size=1))
def test_sparse_crossentropy_labels(labels):
    from ml4phys.nn import losses

    y_pred = np.full((len(labels), 10), 0.1)
    loss = outcome(
        lambda: losses.get("sparse_categorical_crossentropy")(np.array(labels), y_pred),
        "y must hold",
    )
    valid = all(float(v).is_integer() and 0 <= v <= 9 for v in labels)
    assert (loss is not None) == valid
    if valid:
        assert loss == pytest.approx(np.log(10), rel=1e-5)


# ------------------------------------------------------------------ data


@FAST
@given(shape=st.sampled_from(["flat", "image", "nchw", 3]), n=st.integers(0, 3))
def test_as_float(shape, n):
    from ml4phys.data import mnist

    x = np.full((n, 4, 4), 255, np.uint8)
    out = outcome(lambda: mnist.as_float(x, shape=shape), "shape")
    if out is not None:
        assert out.dtype == np.float32 and (out == 1).all() and len(out) == n


@FAST
@given(name=st.sampled_from(["mnist", "fashion_mnist", "cifar", "", 3]))
def test_store_names(name, tmp_path_factory):
    from ml4phys.common import store

    spec = outcome(lambda: store.get(name), "dataset name")
    assert (spec is not None) == (name in ("mnist", "fashion_mnist"))


# ------------------------------------------------------------------ generative


@FAST
@given(
    n_visible=numbers,
    n_hidden=st.integers(-1, 4),
    dtype=st.sampled_from(["float32", "float64", "int32", "bool"]),
)
def test_rbm_constructor(n_visible, n_hidden, dtype):
    from ml4phys.generative.rbm import RBM

    rbm = outcome(
        lambda: RBM(n_visible, n_hidden, dtype=dtype), "n_visible", "n_hidden", "dtype"
    )
    valid = is_positive_int(n_visible) and n_hidden > 0 and "float" in dtype
    assert (rbm is not None) == valid


@FAST
@given(
    batch_size=st.integers(-2, 9),
    epochs=st.integers(-1, 2),
    learning_rate=st.sampled_from([0.1, 0.0, -0.1, np.nan, 1e30]),
    k=st.integers(0, 2),
)
def test_rbm_fit(batch_size, epochs, learning_rate, k):
    from ml4phys.generative.rbm import RBM

    rbm = RBM(6, 3, visible="gaussian", seed=0)
    x = np.random.default_rng(0).normal(size=(8, 6))
    history = outcome(
        lambda: rbm.fit(
            x, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, k=k
        ),
        "batch_size",
        "epochs",
        "learning_rate",
        "k must",
    )
    if history is not None:
        assert all(np.isfinite(p).all() for p in rbm.params.values())  # last finite


# ------------------------------------------------------------------ rl


@FAST
@given(size=st.integers(-2, 9), gamma=st.floats(-1, 2))
def test_tabular_q_learning(size, gamma):
    from ml4phys.rl import envs
    from ml4phys.rl.q_learning import TabularQLearning

    env = outcome(lambda: envs.Maze(size=size), "size")
    if env is None:
        return
    agent = outcome(
        lambda: TabularQLearning(
            env.observation_space.n, env.action_space.n, gamma=gamma
        ),
        "gamma",
    )
    if agent is not None:
        assert 0 <= gamma <= 1


# ------------------------------------------------------------------ physics


@FAST
@given(n_sites=numbers, h=st.floats(allow_nan=True, allow_infinity=True))
def test_transverse_field_ising(n_sites, h):
    from ml4phys.physics.quantum.hamiltonians import TransverseFieldIsing

    ham = outcome(lambda: TransverseFieldIsing(n_sites, h=h), "n_sites", "h must")
    assert (ham is not None) == (is_positive_int(n_sites) and np.isfinite(h))


@FAST
@given(
    alpha=st.one_of(
        st.integers(-3, 8),
        st.floats(-10, 64),
        st.sampled_from([np.nan, np.inf, "8", None, True]),
    ),
    spins=st.sampled_from(["pm1", "01"]),
)
def test_rbm_wavefunction(alpha, spins):
    from ml4phys.physics.quantum.wavefunctions import RBMWaveFunction

    wf = outcome(lambda: RBMWaveFunction(4, alpha=alpha), "alpha")
    if wf is None:
        return
    assert alpha > 0
    s = np.array([[1, -1, 1, 1]]) if spins == "pm1" else np.array([[1, 0, 1, 1]])
    log_psi = outcome(lambda: wf.log_psi(s), "s must hold spins")
    assert (log_psi is not None) == (spins == "pm1")
    if log_psi is not None:
        assert np.isfinite(log_psi).all()


@FAST
@given(method=st.sampled_from(["sr", "gd", "adam", "sgd", "SR", None]))
def test_vmc_method(method):
    from ml4phys.physics.quantum import hamiltonians, vmc, wavefunctions

    ham = hamiltonians.TransverseFieldIsing(4)
    wf = wavefunctions.RBMWaveFunction(4, alpha=1)
    driver = outcome(lambda: vmc.VMC(ham, wf, method=method), "method")
    assert (driver is not None) == (method in ("sr", "gd", "adam"))
    if driver is not None:
        assert np.isfinite(driver.run(2)["energy"]).all()


@FAST
@given(L=numbers, n_samples=st.integers(-1, 3), temperature=st.floats(-1, 5))
def test_ising_sample(L, n_samples, temperature):
    from ml4phys.physics import sampling

    samples = outcome(
        lambda: sampling.sample(
            L, [temperature], n_samples=n_samples, equilibration=2, pilot=4
        ),
        "L must",
        "n_samples",
        "temperatures",
    )
    if samples is not None:
        assert samples.spins.shape == (1, n_samples, L, L)
        assert set(np.unique(samples.spins)) <= {-1, 1}
