r"""
Recurrent networks: memory and vanishing gradients
==================================================

A recurrent layer reads a sequence one step at a time and carries a state :math:`h_t`
from step to step. In a SimpleRNN, :math:`h_t = \tanh(x_t W + h_{t-1} U + b)`: what the
net remembers from step 0 reaches step t through t multiplications by U and by tanh', so
its gradient shrinks geometrically with the distance. The LSTM adds a cell
:math:`c_t = f_t c_{t-1} + i_t g_t` whose forget gate :math:`f_t` can stay near 1:
memory (and gradient) is carried over long distances. This example runs the ``memory``
experiment in its quick form: recall a value seen D steps earlier, and add two marked
values of a sequence of length D.

The formulas and the code behind it: :doc:`/topics/recurrent`.
"""

# %%
# Building a recurrent network
# ----------------------------
# Inputs are (batchsize, timesteps, features); ``input_shape=(None, 2)`` accepts any
# number of time steps. Without ``return_sequences`` the layer returns only the last
# state, on which a Dense layer makes the prediction.
from ml4phys.lab import memory
from ml4phys.nn import layers, models

net = models.Sequential(seed=0)
net.add(layers.LSTM(16, input_shape=(None, 2)))
net.add(layers.Dense(1))
net.compile(loss="mean_squared_error", optimizer="adam")
net.summary()

# %%
# SimpleRNN against LSTM
# ----------------------
# The error is relative to the trivial guess (always the mean): 1 means nothing learned.


result = memory.run(memory.Config(quick=True))
for task in ("recall", "adding"):
    for kind, errors in result.numbers[f"{task}_relative_error"].items():
        print(
            f"{task:>6}, {kind:>9}: "
            + ", ".join(f"D = {delay}: {error:.3f}" for delay, error in errors.items())
        )
result.figures["recall_error_vs_delay"]

# %%
# Why the SimpleRNN fails: the gradient of the cost with respect to the input at step t,
# against the distance to the output. Through the tanh recurrence it decays
# geometrically; through the LSTM's cell it survives.
result.figures["gradient_vs_distance"]
