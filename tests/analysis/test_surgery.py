"""Network surgery on small Sequentials: hand computations, the caller's model untouched."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.analysis import pruning, surgery
from ml4phys.nn import layers, models


def make_net(activation="relu", seed=0, dtype="float64"):
    net = models.Sequential(seed=seed, dtype=dtype)
    net.add(
        layers.Dense(
            6,
            activation=activation,
            input_shape=(2,),
            bias_initializer="glorot_uniform",
        )
    )
    net.add(layers.Dense(5, activation=activation, bias_initializer="glorot_uniform"))
    net.add(layers.Dense(1, bias_initializer="glorot_uniform"))
    return net


def points(n=50, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, 2))


def snapshot(net):
    return {name: value.copy() for name, value in net.params.items()}


def assert_unchanged(net, saved):
    for name, value in saved.items():
        assert_allclose(net.params[name], value, rtol=0, atol=0, err_msg=name)


def test_single_neuron_output_is_the_hand_computation():
    net, x = make_net(), points()
    saved = snapshot(net)
    outputs = surgery.single_neuron_outputs(net, x, layer=-2)
    assert outputs.shape == (5, len(x), 1)
    w1, b1, w2, b2, w3, b3 = (
        net.params[k]
        for k in (
            "dense/w",
            "dense/b",
            "dense_1/w",
            "dense_1/b",
            "dense_2/w",
            "dense_2/b",
        )
    )
    h2 = np.maximum(np.maximum(x @ w1 + b1, 0) @ w2 + b2, 0)
    for j in range(5):  # y_out = h2_j w3[j] + b3, with the other neurons off
        assert_allclose(outputs[j, :, 0], h2[:, j] * w3[j, 0] + b3[0], rtol=1e-12)
    # the neurons' contributions add up to the full output (linear output layer)
    assert_allclose(outputs.sum(0) - 4 * b3, net.forward(x), rtol=1e-10, atol=1e-12)
    assert_unchanged(net, saved)


def test_single_neuron_of_first_layer_and_selection():
    net, x = make_net("tanh"), points()
    outputs = surgery.single_neuron_outputs(net, x, layer=0, neurons=[2, 4])
    h1 = np.tanh(x @ net.params["dense/w"] + net.params["dense/b"])
    only = np.zeros_like(h1)
    only[:, 4] = h1[:, 4]
    expected = (
        np.tanh(only @ net.params["dense_1/w"] + net.params["dense_1/b"])
        @ net.params["dense_2/w"]
        + net.params["dense_2/b"]
    )
    assert outputs.shape == (2, len(x), 1)
    assert_allclose(outputs[1], expected, rtol=1e-12)


def test_zero_weights_copies_unless_inplace():
    net, x = make_net(), points()
    saved, before = snapshot(net), net.forward(x)
    edited = surgery.zero_weights(net, -1, rows=range(3))
    assert edited is not net
    assert np.all(edited.params["dense_2/w"][:3] == 0)
    assert_allclose(edited.params["dense_2/w"][3:], net.params["dense_2/w"][3:])
    assert not np.allclose(edited.forward(x), before)
    assert_unchanged(net, saved)
    block = surgery.zero_weights(net, 1, rows=[0, 1], columns=[4])
    assert np.all(block.params["dense_1/w"][[0, 1], 4] == 0)
    assert np.count_nonzero(block.params["dense_1/w"] == 0) == 2
    same = surgery.zero_weights(net, 1, columns=[0], inplace=True)
    assert same is net and np.all(net.params["dense_1/w"][:, 0] == 0)


def test_zero_neurons_equals_masking_their_outputs():
    net, x = make_net("sigmoid"), points()
    saved = snapshot(net)
    mask = np.ones(6)
    mask[[1, 3]] = 0
    edited = surgery.zero_neurons(net, 0, [1, 3])
    assert_allclose(
        edited.forward(x), surgery.forward_masked(net, x, {0: mask}), rtol=1e-12
    )
    assert_unchanged(net, saved)
    with pytest.raises(ValueError, match="layer above"):
        surgery.zero_neurons(net, -1, [0])


def test_restoring_puts_the_weights_back():
    net = make_net()
    saved = snapshot(net)
    with surgery.restoring(net):
        surgery.zero_weights(net, 0, inplace=True)
        assert np.all(net.params["dense/w"] == 0)
    assert_unchanged(net, saved)


def brute_force_greedy(net, x, target, steps):
    """Greedy pruning the slow way: a full masked pass per candidate."""
    masks = {0: np.ones(6), 1: np.ones(5)}
    costs = [np.mean((net.forward(x) - target) ** 2)]
    order = []
    for _ in range(steps):
        best = None
        for i in masks:
            for j in np.nonzero(masks[i])[0]:
                trial = {k: m.copy() for k, m in masks.items()}
                trial[i][j] = 0
                c = np.mean((surgery.forward_masked(net, x, trial) - target) ** 2)
                if best is None or c < best[0]:
                    best = (c, i, j)
        masks[best[1]][best[2]] = 0
        order.append((best[1], int(best[2])))
        costs.append(best[0])
    return order, np.array(costs)


def test_prune_greedy_matches_brute_force_and_leaves_model_alone():
    net, x = make_net(), points(200)
    target = np.sin(3 * x[:, :1]) * x[:, 1:]
    saved = snapshot(net)
    result = pruning.prune_greedy(net, x, lambda y: np.mean((y - target) ** 2))
    order, costs = brute_force_greedy(net, x, target, 11)
    assert result.removed == order
    assert_allclose(result.costs, costs, rtol=1e-9)
    assert result.removed and len(result.removed) == 11
    assert_unchanged(net, saved)
    # everything removed: the output is the last layer's bias alone
    assert_allclose(result.costs[-1], np.mean((net.params["dense_2/b"] - target) ** 2))


def test_prune_greedy_stops_and_counts():
    net, x = make_net(), points(100)
    target = net.forward(x)  # the unpruned net is perfect: any removal costs something
    cost = lambda y: float(np.mean((y - target) ** 2)) + 1e-3
    result = pruning.prune_greedy(net, x, cost, layers=[1], stop_factor=2.0)
    assert all(layer == 1 for layer, _ in result.removed)
    assert result.costs[-1] > 2 * result.costs[0] or len(result.removed) == 5
    assert (
        result.removable(2.0) == int(np.argmax(result.costs > 2 * result.costs[0])) - 1
    )
    limited = pruning.prune_greedy(net, x, cost, max_removed=3)
    assert len(limited.removed) == 3 and len(limited.costs) == 4


def test_lazy_pruning_costs_are_those_of_its_masks():
    net, x = make_net(), points(200)
    target = np.sin(3 * x[:, :1]) * x[:, 1:]
    cost = lambda y: float(np.mean((y - target) ** 2))
    exact = pruning.prune_greedy(net, x, cost)
    lazy = pruning.prune_greedy(net, x, cost, lazy=True)
    assert lazy.removed[0] == exact.removed[0]  # round one evaluates everything
    assert sorted(lazy.removed) == sorted(exact.removed)  # all 11 go in the end
    masks = {0: np.ones(6), 1: np.ones(5)}
    for k, (i, j) in enumerate(lazy.removed, start=1):
        masks[i][j] = 0
        assert_allclose(
            lazy.costs[k], cost(surgery.forward_masked(net, x, masks)), rtol=1e-9
        )


def test_dead_neurons_go_first_for_free():
    net, x = make_net(), points(100)
    net.params["dense/b"][2] = -100.0  # neuron 2 of the first layer never fires
    target = net.forward(x)  # perfect: removing a live neuron costs something
    cost = lambda y: float(np.mean((y - target) ** 2)) + 1.0
    result = pruning.prune_greedy(net, x, cost, max_removed=1)
    i, j = result.removed[0]
    layer_out = surgery._forward_upto(net, x, i)
    assert not layer_out[:, j].any()  # a dead neuron went first ...
    assert result.costs[1] == result.costs[0]  # ... for free


def test_a_clone_trains_on_its_own():
    net, x = make_net(), points()
    net.compile(loss="mean_squared_error", optimizer="sgd")
    saved = snapshot(net)
    twin = surgery.clone(net)
    twin.train_on_batch(x, np.zeros((len(x), 1)))
    assert not np.allclose(twin.params["dense_2/b"], saved["dense_2/b"])  # it learned
    assert_unchanged(net, saved)
