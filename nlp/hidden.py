"""A one-hidden-layer network for the primary topic over the same sparse features.

The linear heads cannot weigh a word by the words around it: "cán bộ" in a message whose
request is about a road, or "đất" in a pollution complaint. A hidden layer of ReLU units learns
such combinations: on the held-out split it is 1.1 to 1.7 points more accurate than the
linear primary head trained on the same data (docs/nlp.md). Applying it needs numpy only;
training (``fit_hidden``) needs scipy, which the ``train`` extra brings.

Training is plain Adam on mini-batches, except that the input layer is updated lazily: a batch
touches a few thousand of the ~200,000 feature rows, and only those rows (and their Adam
moments) are read and written, which makes an epoch take seconds instead of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.features import FloatArray, IntArray, SparseRows, sparse_dot

# Rows per chunk when applying the network: bounds the gathered (features x hidden) block.
_CHUNK = 512


@dataclass(frozen=True)
class HiddenSettings:
    """Shape and schedule of the network; the defaults are the ones compared in docs/nlp.md."""

    units: int = 64
    epochs: int = 8
    batch: int = 256
    learning_rate: float = 1e-3
    seed: int = 20261122


@dataclass
class HiddenLayer:
    """``relu(x @ w1 + b1) @ w2 + b2``: logits over the topics.

    ``w1`` (features x units) is most of the model. It is float32 while training; a saved
    model keeps it as int8 with one scale per feature row (``quantised``), a quarter of the
    size: on a cross-validation fold of the final data, int8 and float32 chose the same
    primary topic for every message as written (docs/nlp.md).
    """

    w1: npt.NDArray[Any]
    b1: FloatArray
    w2: FloatArray
    b2: FloatArray
    w1_scale: FloatArray | None = None

    def quantised(self) -> HiddenLayer:
        if self.w1_scale is not None:
            return self
        peak = np.abs(self.w1).max(axis=1)
        scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
        w1 = np.round(self.w1 / scale[:, None]).astype(np.int8)
        return HiddenLayer(w1, self.b1, self.w2, self.b2, scale)

    def _first_layer(self, rows: SparseRows) -> FloatArray:
        if self.w1_scale is not None:
            # Folding each row's scale into the feature value dequantises for free.
            rows = SparseRows(rows.indptr, rows.indices, rows.values * self.w1_scale[rows.indices])
        return sparse_dot(rows, self.w1)

    def logits(self, rows: SparseRows) -> FloatArray:
        out = np.empty((rows.n_rows, self.w2.shape[1]), dtype=np.float32)
        for start in range(0, rows.n_rows, _CHUNK):
            stop = min(start + _CHUNK, rows.n_rows)
            lo, hi = int(rows.indptr[start]), int(rows.indptr[stop])
            chunk = SparseRows(
                rows.indptr[start : stop + 1] - lo, rows.indices[lo:hi], rows.values[lo:hi]
            )
            hidden = np.maximum(self._first_layer(chunk) + self.b1, 0.0)
            out[start:stop] = hidden @ self.w2 + self.b2
        return out


class _Adam:
    """Adam moments for one parameter array; ``step`` may update a subset of its rows."""

    def __init__(self, shape: tuple[int, ...], rate: float) -> None:
        self.m = np.zeros(shape, dtype=np.float32)
        self.v = np.zeros(shape, dtype=np.float32)
        self.rate = rate

    def step(
        self, param: FloatArray, grad: FloatArray, t: int, rows: IntArray | None = None
    ) -> None:
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        size = self.rate * np.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
        if rows is None:
            self.m *= beta1
            self.m += (1.0 - beta1) * grad
            self.v *= beta2
            self.v += (1.0 - beta2) * grad * grad
            param -= size * self.m / (np.sqrt(self.v) + eps)
            return
        m = beta1 * self.m[rows] + (1.0 - beta1) * grad
        v = beta2 * self.v[rows] + (1.0 - beta2) * grad * grad
        self.m[rows], self.v[rows] = m, v
        param[rows] -= size * m / (np.sqrt(v) + eps)


def fit_hidden(
    x: Any, y: IntArray, n_classes: int, settings: HiddenSettings = HiddenSettings()
) -> HiddenLayer:
    """Train on a scipy CSR matrix ``x`` and class indices ``y`` (softmax cross-entropy)."""
    from scipy.sparse import csr_matrix

    rng = np.random.default_rng(settings.seed)
    n_rows, n_features = x.shape
    units = settings.units
    # Glorot-uniform initialisation, as scikit-learn's MLP (the first experiments) uses.
    bound1 = np.sqrt(6.0 / (n_features + units))
    bound2 = np.sqrt(6.0 / (units + n_classes))
    layer = HiddenLayer(
        w1=rng.uniform(-bound1, bound1, (n_features, units)).astype(np.float32),
        b1=np.zeros(units, dtype=np.float32),
        w2=rng.uniform(-bound2, bound2, (units, n_classes)).astype(np.float32),
        b2=np.zeros(n_classes, dtype=np.float32),
    )
    rate = settings.learning_rate
    adam = {name: _Adam(getattr(layer, name).shape, rate) for name in ("w1", "b1", "w2", "b2")}
    x = csr_matrix(x, dtype=np.float32)
    t = 0
    for _ in range(settings.epochs):
        order = rng.permutation(n_rows)
        for start in range(0, n_rows, settings.batch):
            batch = order[start : start + settings.batch]
            xb = x[batch]
            # Only the feature rows this batch uses: a small dense-indexed copy of the batch.
            cols, local = np.unique(xb.indices, return_inverse=True)
            xs = csr_matrix((xb.data, local, xb.indptr), shape=(len(batch), len(cols)))
            w1 = layer.w1[cols]
            pre = xs @ w1 + layer.b1
            hidden = np.maximum(pre, 0.0)
            logits = hidden @ layer.w2 + layer.b2
            logits -= logits.max(axis=1, keepdims=True)
            delta = np.exp(logits)
            delta /= delta.sum(axis=1, keepdims=True)
            delta[np.arange(len(batch)), y[batch]] -= 1.0
            delta /= len(batch)
            back = (delta @ layer.w2.T) * (pre > 0)
            t += 1
            adam["w2"].step(layer.w2, (hidden.T @ delta).astype(np.float32), t)
            adam["b2"].step(layer.b2, delta.sum(axis=0, dtype=np.float32), t)
            adam["b1"].step(layer.b1, back.sum(axis=0, dtype=np.float32), t)
            adam["w1"].step(layer.w1, np.asarray(xs.T @ back, dtype=np.float32), t, cols)
    return layer
