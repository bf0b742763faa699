"""Text for character-level language models, and counted n-gram baselines.

Lecture topic: "learning temporal data, e.g. sentences". The corpus is the prose of the
Python documentation that every Python ships (``pydoc_data.topics``: the language
reference's topics, ~465,000 characters). Characters are coded as integers 0..V-1.

``NGram`` is the counted baseline: the probability of the next character given the
n - 1 before it, with interpolated Witten-Bell smoothing (Witten & Bell 1991; Chen &
Goodman 1998), recursing down to a unigram with add-one counts:

    P(c | h) = (C(h c) + N1(h) P(c | h')) / (C(h) + N1(h))

where h' is h without its first character, C counts in the training text, and N1(h) is
the number of distinct characters seen after h.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

__all__ = ["NGram", "bits_per_char", "corpus", "encode"]


def corpus():
    """The documentation prose of ``pydoc_data.topics``, topics in sorted order."""
    from pydoc_data.topics import topics

    return "\n".join(topics[key] for key in sorted(topics))


def encode(text, alphabet=None):
    """(codes (len,) int, alphabet str): ``alphabet`` defaults to the sorted characters."""
    alphabet = alphabet or "".join(sorted(set(text)))
    index = {char: k for k, char in enumerate(alphabet)}
    unknown = set(text) - set(index)
    if unknown:
        raise ValueError(f"encode: characters not in the alphabet: {sorted(unknown)}")
    return np.array([index[char] for char in text], np.int64), alphabet


def bits_per_char(probabilities):
    """Cross-entropy -<log2 p> of the probabilities given to the true characters."""
    return float(-np.mean(np.log2(probabilities)))


class NGram:
    """Counted character n-gram model with interpolated Witten-Bell smoothing.

    Parameters
    ----------
    n : int
        Order: the next character is predicted from the n - 1 before it (n = 1: unigram).
    alphabet : str
        Every character that can occur (the unigram's add-one counts run over it).
    """

    def __init__(self, n, alphabet):
        if n < 1:
            raise ValueError(f"NGram: n must be >= 1, received {n}")
        self.n, self.alphabet = n, alphabet

    def fit(self, text):
        """Count every k-gram, k = 1..n, of ``text``; returns self."""
        self.counts = [Counter(text[i : i + k] for i in range(len(text) - k + 1))
                       for k in range(1, self.n + 1)]  # fmt: skip
        self.context = [Counter(), *[Counter() for _ in range(self.n - 1)]]
        self.distinct = [defaultdict(int) for _ in range(self.n)]
        for k in range(2, self.n + 1):
            for gram, count in self.counts[k - 1].items():
                self.context[k - 1][gram[:-1]] += count  # C(h) = sum_c C(h c)
                self.distinct[k - 1][gram[:-1]] += 1  # N1(h)
        self.total = len(text)
        return self

    def probability(self, history, char):
        """P(char | the last n - 1 characters of ``history``)."""
        unigram = self.counts[0]
        p = (unigram[char] + 1) / (self.total + len(self.alphabet))  # add-one
        for k in range(2, min(self.n, len(history) + 1) + 1):
            h = history[len(history) - k + 1 :]
            seen, kinds = self.context[k - 1][h], self.distinct[k - 1][h]
            if seen:
                p = (self.counts[k - 1][h + char] + kinds * p) / (seen + kinds)
        return p

    def probabilities(self, text, start=0):
        """P of each character text[i], i >= start, given the characters before it."""
        return np.array(
            [
                self.probability(text[max(0, i - self.n + 1) : i], text[i])
                for i in range(start, len(text))
            ]
        )
