"""A character-level language model: an LSTM learns English sentences (lecture:
"learning temporal data, e.g. sentences").

The text is the prose of Python's own documentation (``pydoc_data.topics``); its last
``test_fraction`` is held out. ``LSTM(units, return_sequences=True) + Dense(V, softmax)``
reads one-hot characters and predicts the next one at every step, trained on random
windows with categorical cross-entropy (Adam, gradient norm clipped). The test text is
read in parallel streams whose LSTM state is carried from chunk to chunk, so every
prediction sees all the text before it in its stream.

The yardstick is the test cross-entropy in bits per character, -<log2 p(next)>, against
a unigram (add-one) and counted n-grams (n = 3..5, Witten-Bell smoothing: ``ml4phys.
data.text``). Samples are drawn at temperatures 0.5 and 1.0 (p_T ~ p^(1/T)).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.figure import Figure

from ..data import text as corpus_text
from ..nn import layers, models, optimizers
from .base import Result, progress_bar

NAME = "char-rnn"
DESCRIPTION = "character-level LSTM on Python's documentation prose, vs n-grams"
LN2 = np.log(2.0)


@dataclass
class Config:
    """Knobs of the experiment (each is a command-line option)."""

    units: int = 128
    window: int = 100  # training window (characters)
    batches: int = 4000  # training steps
    batch_size: int = 32
    learning_rate: float = 0.003  # Adam, decayed linearly to a tenth
    clipnorm: float = 1.0
    test_fraction: float = 0.1
    evaluate_every: int = 500  # batches between test evaluations
    ngram_orders: tuple = (3, 4, 5)
    sample_length: int = 400
    prompt: str = "The "
    seed: int = 0
    quick: bool = False  # a few seconds: a small text and net, for tests


QUICK = {
    "units": 32,
    "window": 32,
    "batches": 150,
    "learning_rate": 0.01,
    "evaluate_every": 50,
    "ngram_orders": (3,),
    "sample_length": 80,
}


def _split(config):
    """(train codes, test codes, alphabet, train text, full text, where test starts)."""
    text = corpus_text.corpus()
    if config.quick:
        text = text[:36_000]
    codes, alphabet = corpus_text.encode(text)
    cut = int(len(text) * (1 - config.test_fraction))
    return codes[:cut], codes[cut:], alphabet, text, cut


def _net(config, vocabulary):
    net = models.Sequential(seed=config.seed)
    net.add(
        layers.LSTM(config.units, return_sequences=True, input_shape=(None, vocabulary))
    )
    net.add(layers.Dense(vocabulary, activation="softmax"))
    optimizer = optimizers.Adam(config.learning_rate, clipnorm=config.clipnorm)
    net.compile(loss="categorical_crossentropy", optimizer=optimizer)
    return net


def _one_hot(codes, vocabulary):
    return np.eye(vocabulary, dtype=np.float32)[codes]


def evaluate_bits(net, codes, vocabulary, streams=64, chunk=200):
    """Bits per character of ``codes`` (after the first), read in ``streams`` parallel
    streams, the LSTM state carried from one chunk to the next.
    """
    lstm, dense = net.layers
    length = (len(codes) - 1) // streams
    inputs = codes[: streams * length].reshape(streams, length)
    targets = codes[1 : streams * length + 1].reshape(streams, length)
    state, total = None, 0.0
    for start in range(0, length, chunk):
        x = _one_hot(inputs[:, start : start + chunk], vocabulary)
        h = lstm.forward(x, initial_state=state)
        state = lstm.final_states
        p = dense.forward(h)  # (streams, steps, vocabulary)
        chosen = np.take_along_axis(p, targets[:, start : start + chunk, None], -1)
        total -= np.log2(np.maximum(chosen, 1e-12)).sum()
    return float(total / targets.size)


def sample(net, alphabet, prompt, length, temperature, rng):
    """``length`` characters after ``prompt``, each drawn from p^(1/T) / Z."""
    lstm, dense = net.layers
    vocabulary = len(alphabet)
    codes, _ = corpus_text.encode(prompt, alphabet)
    h = lstm.forward(_one_hot(codes[None], vocabulary))
    out = []
    for _ in range(length):
        p = dense.forward(h[:, -1]).astype(np.float64)[0]
        logits = np.log(np.maximum(p, 1e-30)) / temperature
        p = np.exp(logits - logits.max())
        code = rng.choice(vocabulary, p=p / p.sum())
        out.append(alphabet[code])
        h = lstm.forward(
            _one_hot(np.array([[code]]), vocabulary), initial_state=lstm.final_states
        )
    return prompt + "".join(out)


def _train(net, config, train, vocabulary, test, bar):
    """Random windows of the training text; returns (loss per batch, test curve)."""
    rng = np.random.default_rng(config.seed)
    optimizer = net.optimizer
    losses, test_curve = [], []
    for step in range(config.batches):
        # eta_step = eta (1 - 0.9 step / batches): a linear decay to a tenth
        optimizer.learning_rate = config.learning_rate * (
            1 - 0.9 * step / config.batches
        )
        starts = rng.integers(0, len(train) - config.window - 1, config.batch_size)
        windows = train[starts[:, None] + np.arange(config.window + 1)]
        loss = net.train_on_batch(
            _one_hot(windows[:, :-1], vocabulary), _one_hot(windows[:, 1:], vocabulary)
        )
        losses.append(float(np.ravel(loss)[0]) / LN2)  # nats -> bits per character
        if (step + 1) % config.evaluate_every == 0 or step + 1 == config.batches:
            test_curve.append((step + 1, evaluate_bits(net, test, vocabulary)))
        bar.update()
    return losses, test_curve


def _ngram_bits(config, alphabet, text, cut):
    """Test bits per character of the unigram and the n-grams of ``ngram_orders``."""
    bits = {}
    for n in (1, *config.ngram_orders):
        model = corpus_text.NGram(n, alphabet).fit(text[:cut])
        # the first test character is not scored: the LSTM has no history for it
        bits["unigram" if n == 1 else f"{n}-gram"] = corpus_text.bits_per_char(
            model.probabilities(text, cut + 1)
        )
    return bits


def _cost_figure(losses, test_curve, baselines):
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, color="C0", alpha=0.3, lw=0.7)
    window = max(1, len(losses) // 50)
    smooth = np.convolve(losses, np.ones(window) / window, "valid")
    ax.plot(steps[window - 1 :], smooth, color="C0", label="LSTM, training batches")
    x, y = zip(*test_curve)
    ax.plot(x, y, "o-", color="C3", label="LSTM, test text")
    for k, (name, bits) in enumerate(baselines.items()):
        ax.axhline(bits, ls="--", lw=1, color=f"C{k + 4}", label=f"{name} (test)")
    ax.set(xlabel="batch", ylabel="cross-entropy (bits per character)")
    ax.set_ylim(top=max(5.0, baselines.get("unigram", 5.0) + 0.3))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def run(config: Config, progress=None) -> Result:
    if config.quick:
        config = replace(config, **QUICK)
    train, test, alphabet, text, cut = _split(config)
    vocabulary = len(alphabet)
    net = _net(config, vocabulary)
    with progress_bar(progress, config.batches, NAME) as bar:
        losses, test_curve = _train(net, config, train, vocabulary, test, bar)
    baselines = _ngram_bits(config, alphabet, text, cut)
    lstm_bits = test_curve[-1][1]
    rng = np.random.default_rng(config.seed + 1)
    samples = {
        str(t): sample(net, alphabet, config.prompt, config.sample_length, t, rng)
        for t in (0.5, 1.0)
    }
    numbers = {
        "train_characters": len(train),
        "test_characters": len(test),
        "alphabet_size": vocabulary,
        "test_bits_per_char": {"lstm": lstm_bits, **baselines},
        "lstm_beats": [name for name, bits in baselines.items() if lstm_bits < bits],
        "test_curve": [[step, bits] for step, bits in test_curve],
        "final_train_bits_per_char": float(np.mean(losses[-50:])),
        "params": int(net.count_params()),
        "samples": samples,
    }
    figures = {"cost": _cost_figure(losses, test_curve, baselines)}
    return Result(numbers=numbers, figures=figures)
