"""Gradient-descent optimizers in Keras' form (lecture: "Optimized gradient descent").

``apply(params, grads)`` takes two dicts that map the same names to arrays (the model's
``params`` and ``grads``) and changes the parameters in place, so no reference held by a
layer goes stale. Per-parameter state (velocities, running means) lives in ``state``.
Defaults and formulas are Keras 3's; ``lr=`` is accepted as an alias of
``learning_rate=``, since the lecture writes ``optimizers.SGD(lr=0.1)``.

Gradient clipping, as in Keras: ``clipvalue`` clips every component to [-c, c],
``clipnorm`` rescales each gradient array whose norm exceeds c, ``global_clipnorm``
rescales all gradients together when their joint norm exceeds c.
"""

from __future__ import annotations

import numpy as np

from ..common import checks

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "get"]

FLUSH_EVERY = 100  # steps between flushes of denormal numbers (see flush_denormals)


def _learning_rate(value, optimizer):
    """A finite learning rate >= 0 (a negative one would climb the cost)."""
    where = type(optimizer).__name__
    return checks.positive_number("learning_rate", value, where=where, allow_zero=True)


class Optimizer:
    """Base class: ``apply(params, grads)`` updates the arrays of ``params`` in place."""

    name = "optimizer"

    def __init__(
        self,
        learning_rate=0.01,
        *,
        lr=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
    ):
        self.learning_rate = _learning_rate(learning_rate if lr is None else lr, self)
        self.clipnorm, self.clipvalue, self.global_clipnorm = (
            clipnorm,
            clipvalue,
            global_clipnorm,
        )
        self.iterations = 0
        self.state = {}  # parameter name -> dict of its arrays (m, v, ...)

    def apply(self, params, grads):
        """One step: every ``params[name]`` changes in place by its ``grads[name]``."""
        if self.clipnorm or self.clipvalue or self.global_clipnorm:
            grads = self.clip(grads)
        for name, param in params.items():
            self.update(param, grads[name], self.state.setdefault(name, {}))
        self.iterations += 1
        if self.iterations % FLUSH_EVERY == 0:
            self.flush_denormals(params)

    def flush_denormals(self, params=None):
        """Set running means and parameters below the smallest normal float to 0.

        Running means of a gradient that stays 0 (a dead ReLU unit) decay into denormal
        numbers and stay there (0.9 times the smallest denormal rounds back to itself);
        so do weights that only L2 pulls toward 0 (the weights of a dead unit). Arithmetic
        on denormals is up to 100x slower (an L2-regularized conv net on Ising spins went
        from 1.4 to 14.5 s per epoch as 60% of its weights became denormal), and NumPy
        cannot switch the CPU to flush-to-zero, so every FLUSH_EVERY steps we do it by
        hand; values below 1e-38 change no step measurably.
        """
        arrays = [array for state in self.state.values() for array in state.values()]
        for array in arrays + list((params or {}).values()):
            array[np.abs(array) < np.finfo(array.dtype).tiny] = 0

    def clip(self, grads):
        """Clipped copies of the gradients (the model's own arrays stay as computed)."""
        grads = {name: g.copy() for name, g in grads.items()}
        if self.clipvalue:
            for g in grads.values():
                np.clip(g, -self.clipvalue, self.clipvalue, out=g)
        if self.clipnorm:
            for g in grads.values():
                norm = float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))
                if norm > self.clipnorm:
                    g *= self.clipnorm / norm
        if self.global_clipnorm:
            norm = float(
                np.sqrt(
                    sum(np.sum(np.square(g, dtype=np.float64)) for g in grads.values())
                )
            )
            if norm > self.global_clipnorm:
                for g in grads.values():
                    g *= self.global_clipnorm / norm
        return grads

    def update(self, param, grad, state):
        raise NotImplementedError

    def get_config(self):
        config = {
            key: value
            for key, value in vars(self).items()
            if key not in ("state", "iterations") and value is not None
        }
        return {"class_name": type(self).__name__, **config}

    def __repr__(self):
        args = ", ".join(
            f"{k}={v}" for k, v in self.get_config().items() if k != "class_name"
        )
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum:

    w <- w - eta g                                  (momentum = 0; the lecture's step)
    m <- momentum m - eta g;   w <- w + m           (momentum)
    m <- momentum m - eta g;   w <- w + momentum m - eta g     (nesterov)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], received {momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def update(self, param, grad, state):
        if "step" not in state:
            state["step"] = np.empty_like(param)  # reused: no allocation per step
        step = np.multiply(grad, -self.learning_rate, out=state["step"])  # -eta g
        if not self.momentum:
            param += step
            return
        m = state.setdefault("m", np.zeros_like(param))
        m *= self.momentum
        m += step
        if self.nesterov:
            step += self.momentum * m
            param += step
        else:
            param += m


class Adagrad(Optimizer):
    """Divide by the root of all squared gradients so far (Keras' form):

    a <- a + g^2    (a starts at initial_accumulator_value)
    w <- w - eta g / sqrt(a + epsilon)
    """

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = (
            initial_accumulator_value,
            epsilon,
        )

    def update(self, param, grad, state):
        a = state.setdefault(
            "accumulator", np.full_like(param, self.initial_accumulator_value)
        )
        a += grad * grad
        param -= self.learning_rate * grad / np.sqrt(a + self.epsilon)


class RMSprop(Optimizer):
    """Divide by the root of a running mean of squared gradients (Keras' form):

    v <- rho v + (1 - rho) g^2
    w <- w - eta g / sqrt(v + epsilon)        (with momentum: through a velocity)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        **kwargs,
    ):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = (
            rho,
            momentum,
            epsilon,
            centered,
        )

    def update(self, param, grad, state):
        v = state.setdefault("v", np.zeros_like(param))
        v *= self.rho
        v += (1 - self.rho) * grad * grad
        denominator = v + self.epsilon
        if self.centered:  # subtract the squared running mean: a variance, not a moment
            mean = state.setdefault("mean", np.zeros_like(param))
            mean *= self.rho
            mean += (1 - self.rho) * grad
            denominator -= mean * mean
        increment = self.learning_rate * grad / np.sqrt(denominator)
        if self.momentum:
            m = state.setdefault("m", np.zeros_like(param))
            m *= self.momentum
            m += increment
            increment = m
        param -= increment


class Adadelta(Optimizer):
    """Like RMSprop, with the step also scaled by the running RMS of past updates:

    a <- rho a + (1 - rho) g^2
    dw = - sqrt(d + epsilon) / sqrt(a + epsilon) g
    d <- rho d + (1 - rho) dw^2
    w <- w + eta dw
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def update(self, param, grad, state):
        a = state.setdefault("accumulated_grad", np.zeros_like(param))
        d = state.setdefault("accumulated_delta", np.zeros_like(param))
        a *= self.rho
        a += (1 - self.rho) * grad * grad
        delta_w = -np.sqrt(d + self.epsilon) / np.sqrt(a + self.epsilon) * grad
        d *= self.rho
        d += (1 - self.rho) * delta_w * delta_w
        param += self.learning_rate * delta_w


class Adam(Optimizer):
    """Adam (Kingma & Ba 2014) in Keras' form, epsilon added after the bias correction:

        m <- beta_1 m + (1 - beta_1) g            running mean of g
        v <- beta_2 v + (1 - beta_2) g^2          running mean of g^2
        w <- w - eta_t m / (sqrt(v) + epsilon),   eta_t = eta sqrt(1 - beta_2^t) / (1 - beta_1^t)

    (PyTorch adds epsilon before the correction: the two agree for epsilon = 0.)
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def update(self, param, grad, state):
        if not state:
            state["m"], state["v"] = np.zeros_like(param), np.zeros_like(param)
            state["scratch"] = np.empty_like(param)
        m, v, scratch, t = state["m"], state["v"], state["scratch"], self.iterations + 1
        # in place, through one scratch array: no allocation per step
        np.subtract(grad, m, out=scratch)
        scratch *= 1 - self.beta_1
        m += scratch  # m <- m + (1 - beta_1)(g - m)
        np.multiply(grad, grad, out=scratch)
        scratch -= v
        scratch *= 1 - self.beta_2
        v += scratch  # v <- v + (1 - beta_2)(g^2 - v)
        eta_t = self.learning_rate * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        np.sqrt(v, out=scratch)
        scratch += self.epsilon
        np.divide(m, scratch, out=scratch)
        scratch *= eta_t
        param -= scratch  # w <- w - eta_t m / (sqrt(v) + eps)


_BY_NAME = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adadelta": Adadelta,
    "adam": Adam,
}


def get(identifier) -> Optimizer:
    """Optimizer from a name ('sgd', 'adam', ...), a config dict, or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        config = dict(identifier)
        return _BY_NAME[config.pop("class_name").lower()](**config)
    key = identifier.lower() if isinstance(identifier, str) else identifier
    if key not in _BY_NAME:
        raise ValueError(
            f"unknown optimizer {identifier!r}; known: {', '.join(_BY_NAME)}"
        )
    return _BY_NAME[key]()
