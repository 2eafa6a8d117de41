"""Calibration of the model's outputs and tuning of its decision thresholds.

Everything here is fitted on out-of-fold logits, i.e. predictions for training texts made by
models that did not see them, so that probabilities and thresholds reflect unseen messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp import rules
from nlp.artifact import Thresholds
from nlp.features import FloatArray
from nlp.topics import FLAGS, TOPICS

# Share of confident primary topics that should be right; below it a person decides.
TARGET_CONFIDENT_ACCURACY = 0.90
# Legal complaints must not be missed: they follow their own procedure.
COMPLAINT_MIN_RECALL = 0.97


def softmax(logits: FloatArray, temperature: float) -> FloatArray:
    z = np.exp((logits - logits.max(axis=1, keepdims=True)) / temperature).astype(np.float32)
    result: FloatArray = z / z.sum(axis=1, keepdims=True)
    return result


def sigmoid(z: FloatArray) -> FloatArray:
    result: FloatArray = (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).astype(np.float32)
    return result


def fit_temperature(logits: FloatArray, labels: Any) -> float:
    """Temperature minimising the negative log-likelihood of the primary topic."""
    best, best_nll = 1.0, float("inf")
    rows = np.arange(len(labels))
    for t in np.exp(np.linspace(np.log(0.2), np.log(5.0), 61)):
        p = softmax(logits, float(t))[rows, labels]
        nll = float(-np.log(np.clip(p, 1e-9, 1.0)).mean())
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def fit_platt(logits: FloatArray, labels: Any) -> tuple[FloatArray, FloatArray]:
    """Per-column sigmoid(scale * logit + shift) fitted by logistic regression on one input."""
    from sklearn.linear_model import LogisticRegression

    scale = np.ones(logits.shape[1], dtype=np.float32)
    shift = np.zeros(logits.shape[1], dtype=np.float32)
    for j in range(logits.shape[1]):
        y = labels[:, j]
        if y.all() or not y.any():
            continue
        model = LogisticRegression(C=100.0)
        model.fit(logits[:, j : j + 1], y)
        scale[j] = float(model.coef_[0, 0])
        shift[j] = float(model.intercept_[0])
    return scale, shift


def _uncertain_threshold(probs: FloatArray, labels: Any) -> float:
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    for t in np.arange(0.30, 0.81, 0.01):
        kept = confidence >= t
        if kept.any() and correct[kept].mean() >= TARGET_CONFIDENT_ACCURACY:
            return round(float(t), 2)
    return 0.8


def _secondary_threshold(membership: FloatArray, truth: Any, primary: Any) -> float:
    """Threshold for topics beyond the primary one, maximising their F1."""
    others = np.ones_like(truth, dtype=bool)
    others[np.arange(len(primary)), primary] = False
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.2, 0.91, 0.05):
        pred = (membership >= t) & others
        f1 = _f1(pred, truth & others)
        if f1 > best_f1:
            best, best_f1 = round(float(t), 2), f1
    return best


def _f1(pred: Any, truth: Any) -> float:
    tp = float((pred & truth).sum())
    denom = float(pred.sum() + truth.sum())
    return 2 * tp / denom if denom else 0.0


def _flag_threshold(
    name: str, probs: FloatArray, truth: Any, cue_list: Sequence[rules.Cues]
) -> float:
    decide = {
        "legal_complaint": rules.legal_complaint,
        "urgent": lambda _cue, p, t: p >= t,
        "abusive": rules.abusive,
    }[name]
    best, best_score = 0.5, -1.0
    for t in np.arange(0.1, 0.91, 0.02):
        pred = np.array(
            [decide(c, float(p), float(t)) for c, p in zip(cue_list, probs, strict=True)]
        )
        tp = float((pred & truth).sum())
        recall = tp / max(float(truth.sum()), 1.0)
        precision = tp / max(float(pred.sum()), 1.0)
        if name == "legal_complaint":
            # Highest precision among thresholds that keep recall high.
            score = precision if recall >= COMPLAINT_MIN_RECALL else recall - 1.0
        else:
            score = 2 * precision * recall / (precision + recall) if tp else 0.0
        if score > best_score:
            best, best_score = round(float(t), 2), score
    return best


def tune_thresholds(
    oof: FloatArray,
    labels: dict[str, Any],
    temperature: float,
    scale: FloatArray,
    shift: FloatArray,
    texts: Sequence[str],
) -> Thresholds:
    """All decision thresholds, from calibrated out-of-fold outputs."""
    n = len(TOPICS)
    primary = softmax(oof[:, :n], temperature)
    calibrated = sigmoid(oof[:, n:] * scale + shift)
    cue_list = [rules.cues(t) for t in texts]
    flags = tuple(
        _flag_threshold(name, calibrated[:, n + j], labels["flags"][:, j], cue_list)
        for j, name in enumerate(FLAGS)
    )
    return Thresholds(
        uncertain=_uncertain_threshold(primary, labels["primary"]),
        secondary=_secondary_threshold(calibrated[:, :n], labels["membership"], labels["primary"]),
        flags=flags,
    )
