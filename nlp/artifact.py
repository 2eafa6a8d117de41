"""The trained artifact: vocabulary, idf, linear weights and calibration, saved as plain files.

Training uses scikit-learn; this module only needs numpy, so the running bot loads and applies
the model without scikit-learn. Files in a model directory:

- ``vocabulary.json``: the feature strings, in weight-row order;
- ``weights.npz``: idf, the weight matrix (float16 to keep the package small), biases, the
  calibration of every output and, when the primary topic has a hidden layer, its weights;
- ``meta.json``: topic and flag order, feature settings, decision thresholds, training summary.

The version is a hash of what decides the outputs, so two identical trainings share a version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.features import FeatureConfig, FloatArray, SparseRows, Vectorizer, sparse_dot
from nlp.hidden import HiddenLayer
from nlp.topics import FLAGS, TOPICS

VOCABULARY_FILE = "vocabulary.json"
WEIGHTS_FILE = "weights.npz"
META_FILE = "meta.json"


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds tuned on out-of-fold predictions of the training set."""

    uncertain: float = 0.5
    secondary: float = 0.5
    flags: tuple[float, ...] = (0.5, 0.5, 0.5)


@dataclass(frozen=True)
class Outputs:
    """Calibrated probabilities for a batch: primary topic (rows sum to 1), membership, flags."""

    primary: FloatArray
    membership: FloatArray
    flags: FloatArray


def half_precision(array: FloatArray) -> FloatArray:
    """The array as saved (float16), back in float32: what a loaded model computes with."""
    return array.astype(np.float16).astype(np.float32)


_HIDDEN_ARRAYS = ("w1", "w1_scale", "b1", "w2", "b2")


@dataclass
class LinearModel:
    """Three heads over one sparse feature vector.

    Columns of ``weights``: the primary topic (softmax over TOPICS), topic membership (one
    sigmoid per topic, multi-label) and the flags (one sigmoid each, in FLAGS order).
    ``scale``/``shift`` calibrate each sigmoid (Platt); ``temperature`` calibrates the softmax.
    With ``hidden``, the primary topic's logits come from that network, and the linear primary
    columns are left at zero (models saved before round 7 have no hidden layer and use them).
    """

    vectorizer: Vectorizer
    weights: npt.NDArray[np.float16]
    bias: FloatArray
    scale: FloatArray
    shift: FloatArray
    temperature: float
    thresholds: Thresholds
    info: dict[str, Any] = field(default_factory=dict)
    hidden: HiddenLayer | None = None

    def __post_init__(self) -> None:
        # Saving keeps idf and weights in float16; rounding here means a model computes, and
        # is versioned, the same before and after a save/load round trip. The weights stay
        # float16 in memory (rows are widened when gathered): a float32 copy would add 20 MB.
        self.vectorizer.idf = half_precision(self.vectorizer.idf)
        self.weights = np.asarray(self.weights, dtype=np.float16)
        if self.hidden is not None:
            self.hidden = self.hidden.quantised()
            self.hidden.w2 = half_precision(self.hidden.w2)

    def outputs(self, rows: SparseRows) -> Outputs:
        n = len(TOPICS)
        if self.hidden is None:
            logits = sparse_dot(rows, self.weights) + self.bias
        else:
            # The linear primary columns are zero here: gather only the other twelve.
            tail = sparse_dot(rows, self.weights[:, n:]) + self.bias[n:]
            logits = np.concatenate([self.hidden.logits(rows), tail], axis=1)
        primary = logits[:, :n] / self.temperature
        primary = np.exp(primary - primary.max(axis=1, keepdims=True))
        primary /= primary.sum(axis=1, keepdims=True)
        calibrated = logits[:, n:] * self.scale + self.shift
        probs = 1.0 / (1.0 + np.exp(-np.clip(calibrated, -30.0, 30.0)))
        return Outputs(primary=primary, membership=probs[:, :n], flags=probs[:, n:])

    def predict(self, texts: Sequence[str]) -> Outputs:
        return self.outputs(self.vectorizer.transform(texts))

    @property
    def version(self) -> str:
        digest = hashlib.sha256()
        digest.update("\n".join(self.vectorizer.vocabulary).encode("utf-8"))
        for array in (self.vectorizer.idf, self.bias, self.scale, self.shift):
            digest.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
        # The large arrays in their kept precision: widening them only to hash them would
        # multiply their memory at load time.
        digest.update(np.ascontiguousarray(self.weights).tobytes())
        if self.hidden is not None:
            for name in _HIDDEN_ARRAYS:
                digest.update(np.ascontiguousarray(getattr(self.hidden, name)).tobytes())
        digest.update(json.dumps(self._decisions(), sort_keys=True).encode("utf-8"))
        return digest.hexdigest()[:12]

    def _decisions(self) -> dict[str, Any]:
        return {
            "topics": list(TOPICS),
            "flags": list(FLAGS),
            "features": self.vectorizer.config.to_dict(),
            "temperature": self.temperature,
            "thresholds": {
                "uncertain": self.thresholds.uncertain,
                "secondary": self.thresholds.secondary,
                "flags": list(self.thresholds.flags),
            },
        }

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / VOCABULARY_FILE).write_text(
            json.dumps(self.vectorizer.vocabulary, ensure_ascii=False), encoding="utf-8"
        )
        hidden: dict[str, Any] = {}
        if self.hidden is not None:
            hidden = {
                "hidden_w1": self.hidden.w1,
                "hidden_w1_scale": self.hidden.w1_scale,
                "hidden_b1": self.hidden.b1.astype(np.float32),
                "hidden_w2": self.hidden.w2.astype(np.float16),
                "hidden_b2": self.hidden.b2.astype(np.float32),
            }
        np.savez_compressed(
            directory / WEIGHTS_FILE,
            idf=self.vectorizer.idf.astype(np.float16),
            weights=self.weights,
            bias=self.bias.astype(np.float32),
            scale=self.scale.astype(np.float32),
            shift=self.shift.astype(np.float32),
            **hidden,
        )
        meta = {**self._decisions(), "version": self.version, "info": self.info}
        (directory / META_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> LinearModel:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if tuple(meta["topics"]) != TOPICS or tuple(meta["flags"]) != FLAGS:
            raise ValueError(f"model in {directory} was trained for other topics or flags")
        vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        with np.load(directory / WEIGHTS_FILE) as arrays:
            idf = arrays["idf"].astype(np.float32)
            weights = np.asarray(arrays["weights"], dtype=np.float16)
            bias, scale, shift = arrays["bias"], arrays["scale"], arrays["shift"]
            hidden = None
            if "hidden_w1" in arrays.files:
                hidden = HiddenLayer(
                    w1=np.asarray(arrays["hidden_w1"], dtype=np.int8),
                    w1_scale=arrays["hidden_w1_scale"].astype(np.float32),
                    b1=arrays["hidden_b1"].astype(np.float32),
                    w2=arrays["hidden_w2"].astype(np.float32),
                    b2=arrays["hidden_b2"].astype(np.float32),
                )
        config = FeatureConfig.from_dict(meta["features"])
        limits = meta["thresholds"]
        return cls(
            vectorizer=Vectorizer(vocabulary, idf, config),
            weights=weights,
            bias=bias,
            scale=scale,
            shift=shift,
            temperature=float(meta["temperature"]),
            thresholds=Thresholds(
                uncertain=float(limits["uncertain"]),
                secondary=float(limits["secondary"]),
                flags=tuple(float(x) for x in limits["flags"]),
            ),
            info=dict(meta.get("info", {})),
            hidden=hidden,
        )


def is_model_dir(directory: Path) -> bool:
    """True when ``directory`` holds a complete saved model."""
    return all((directory / name).is_file() for name in (VOCABULARY_FILE, WEIGHTS_FILE, META_FILE))
