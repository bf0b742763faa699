import numpy as np
import pytest
from numpy.testing import assert_allclose

from ml4phys.data import text


def test_corpus_is_documentation_prose():
    corpus = text.corpus()
    assert len(corpus) > 300_000
    assert "statement" in corpus


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_ngram_probabilities_sum_to_one(n):
    alphabet = "abc "
    model = text.NGram(n, alphabet).fit("abc abc aab cab ba")
    for history in ["", "a", "ab", "cab", "bb"]:
        total = sum(model.probability(history, c) for c in alphabet)
        assert_allclose(total, 1.0, rtol=1e-12)


def test_higher_order_ngrams_predict_a_periodic_text():
    train = "abcd" * 200
    alphabet = "abcd"
    bits = {n: text.bits_per_char(text.NGram(n, alphabet).fit(train).probabilities(train, 10))
            for n in (1, 2)}  # fmt: skip
    assert_allclose(bits[1], 2.0, atol=0.01)  # four equally frequent characters
    assert bits[2] < 0.05  # each character fixes the next


def test_encode_round_trip_and_unknown_characters():
    codes, alphabet = text.encode("hello")
    assert "".join(alphabet[c] for c in codes) == "hello"
    assert codes.dtype == np.int64
    with pytest.raises(ValueError, match="not in the alphabet"):
        text.encode("xyz", alphabet)
