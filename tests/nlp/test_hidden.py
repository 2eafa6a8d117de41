"""The hidden-layer primary head: it learns what a linear head cannot, and survives int8."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from nlp.examples import Example
from nlp.hidden import HiddenLayer, HiddenSettings, fit_hidden
from nlp.training import TrainSettings, rows_of, train_model


def _xor_data(repeat: int) -> tuple[csr_matrix, np.ndarray]:
    """Feature 0 is always on; the class is 1 when exactly one of features 1 and 2 is on.

    No linear function of the features separates the classes (the XOR pattern: "cán bộ"
    alone, "đất" alone and both together need different answers).
    """
    patterns = [([0], 0), ([0, 1], 1), ([0, 2], 1), ([0, 1, 2], 0)]
    rows, cols, labels = [], [], []
    for r, (features, label) in enumerate(patterns * repeat):
        rows += [r] * len(features)
        cols += features
        labels.append(label)
    x = csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(labels), 3))
    return x, np.array(labels)


def test_learns_a_pattern_no_linear_head_can() -> None:
    x, y = _xor_data(repeat=64)
    settings = HiddenSettings(units=16, epochs=60, batch=32, learning_rate=0.02)
    layer = fit_hidden(x, y, n_classes=2, settings=settings)
    predicted = layer.logits(rows_of(x)).argmax(axis=1)
    assert (predicted == y).all()


def test_int8_layer_gives_nearly_the_float_logits() -> None:
    rng = np.random.default_rng(7)
    x = csr_matrix(rng.random((40, 300), dtype=np.float32) * (rng.random((40, 300)) < 0.05))
    layer = HiddenLayer(
        w1=rng.normal(0, 0.1, (300, 32)).astype(np.float32),
        b1=rng.normal(0, 0.1, 32).astype(np.float32),
        w2=rng.normal(0, 0.3, (32, 5)).astype(np.float32),
        b2=np.zeros(5, dtype=np.float32),
    )
    exact = layer.logits(rows_of(x))
    quantised = layer.quantised()
    assert quantised.w1.dtype == np.int8
    approx = quantised.logits(rows_of(x))
    assert np.abs(approx - exact).max() < 0.02 * max(float(np.abs(exact).max()), 1.0)
    assert (approx.argmax(axis=1) == exact.argmax(axis=1)).mean() >= 0.95


def test_logits_are_the_same_in_chunks_as_at_once() -> None:
    rng = np.random.default_rng(3)
    x = csr_matrix(rng.random((1100, 50), dtype=np.float32) * (rng.random((1100, 50)) < 0.1))
    layer = HiddenLayer(
        w1=rng.normal(0, 0.1, (50, 8)).astype(np.float32),
        b1=np.zeros(8, dtype=np.float32),
        w2=rng.normal(0, 0.3, (8, 3)).astype(np.float32),
        b2=np.zeros(3, dtype=np.float32),
    )
    whole = layer.logits(rows_of(x))
    one_by_one = np.vstack([layer.logits(rows_of(x[i : i + 1])) for i in range(0, 1100, 97)])
    assert np.allclose(whole[::97], one_by_one, atol=1e-5)


def test_a_linear_primary_head_is_still_available(tiny_examples: list[Example]) -> None:
    linear = train_model(tiny_examples, settings=TrainSettings(folds=2, hidden=None))
    hidden = train_model(tiny_examples, settings=TrainSettings(folds=2))
    assert linear.hidden is None and hidden.hidden is not None
    assert linear.version != hidden.version
    assert linear.info["hidden_units"] == 0 and hidden.info["hidden_units"] == 64
