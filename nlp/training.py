"""Training the tagger (needs the ``train`` extra: scikit-learn), and the dataset it learns from.

``train_model`` fits three heads over the features of ``nlp.features``: the primary topic (a
network with one hidden layer, ``nlp.hidden``), topic membership and flags (logistic
regression); calibrates them on out-of-fold predictions, tunes the decision thresholds there,
and returns a numpy-only ``LinearModel``.
Officials' corrections come in as extra ``Example``s and are learned like the dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.artifact import LinearModel
from nlp.calibration import fit_platt, fit_temperature, tune_thresholds
from nlp.examples import Example, read_all
from nlp.features import FeatureConfig, FloatArray, SparseRows, Vectorizer
from nlp.hidden import HiddenLayer, HiddenSettings, fit_hidden
from nlp.split import group_folds, split_examples
from nlp.topics import FLAGS, TOPICS
from nlp.variants import phone_typed, stripped

__all__ = [
    "DATA_DIR",
    "Example",
    "TrainSettings",
    "augmented_texts",
    "dataset_files",
    "dataset_split",
    "to_scipy",
    "train_model",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "raw"


@dataclass(frozen=True)
class TrainSettings:
    """Knobs compared in docs/nlp.md; the defaults are the chosen ones."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    augment: bool = True
    regularisation: float = 10.0
    min_df: int = 2
    folds: int = 5
    # None: the primary topic from the linear head (the method of the first rounds).
    hidden: HiddenSettings | None = field(default_factory=HiddenSettings)


def dataset_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(data_dir.glob("*.jsonl"))


def dataset_split(data_dir: Path = DATA_DIR) -> tuple[list[Example], list[Example]]:
    """(train, held-out test) of the project's labelled data."""
    return split_examples(read_all(dataset_files(data_dir)))


def augmented_texts(examples: Sequence[Example], augment: bool) -> tuple[list[str], list[int]]:
    """Training texts and, for each, the index of the example it came from."""
    texts: list[str] = []
    origin: list[int] = []
    for i, example in enumerate(examples):
        variants = [example.text]
        if augment:
            variants += [stripped(example.text), phone_typed(example.text, salt="train")]
        for text in dict.fromkeys(variants):
            texts.append(text)
            origin.append(i)
    return texts, origin


def _labels(examples: Sequence[Example], origin: list[int]) -> dict[str, Any]:
    rows = [examples[i] for i in origin]
    return {
        "primary": np.array([TOPICS.index(e.primary) for e in rows]),
        "membership": np.array([[t in e.topics for t in TOPICS] for e in rows], dtype=bool),
        "flags": np.array([[getattr(e, f) for f in FLAGS] for e in rows], dtype=bool),
    }


def to_scipy(rows: SparseRows, n_features: int) -> Any:
    from scipy.sparse import csr_matrix

    return csr_matrix((rows.values, rows.indices, rows.indptr), shape=(rows.n_rows, n_features))


def rows_of(x: Any) -> SparseRows:
    """A scipy CSR matrix as the numpy-only rows the model applies to."""
    return SparseRows(x.indptr.astype(np.int64), x.indices.astype(np.int64), x.data)


def _fit_heads(
    x: Any, labels: dict[str, Any], c: float, linear_primary: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Weights (n_features, 9 + 9 + 3) and biases of the three linear heads.

    Without ``linear_primary`` the primary columns stay zero: a hidden layer decides it.
    """
    from sklearn.linear_model import LogisticRegression

    columns: list[FloatArray] = []
    biases: list[float] = []
    # A class missing from a small training set gets a column that never wins.
    coef = np.full((len(TOPICS), x.shape[1]), 0.0)
    intercept = np.full(len(TOPICS), -30.0)
    classes = np.unique(labels["primary"])
    if not linear_primary:
        intercept[:] = 0.0
    elif len(classes) == 1:
        intercept[classes[0]] = 0.0
    else:
        primary = LogisticRegression(C=c, max_iter=2000)
        primary.fit(x, labels["primary"])
        coef[primary.classes_] = primary.coef_
        intercept[primary.classes_] = primary.intercept_
    columns.extend(coef)
    biases.extend(intercept.tolist())
    binary = np.concatenate([labels["membership"], labels["flags"]], axis=1)
    for j in range(binary.shape[1]):
        y = binary[:, j]
        if y.all() or not y.any():
            columns.append(np.zeros(x.shape[1]))
            biases.append(30.0 if y.all() else -30.0)
            continue
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        model.fit(x, y)
        columns.append(model.coef_[0])
        biases.append(float(model.intercept_[0]))
    return np.array(columns, dtype=np.float32).T, np.array(biases, dtype=np.float32)


def _out_of_fold(
    x: Any, labels: dict[str, Any], fold_of: Any, settings: TrainSettings
) -> FloatArray:
    """Logits of every training row from models that did not see its example (or its twins)."""
    n = len(TOPICS)
    logits = np.zeros((x.shape[0], 2 * n + len(FLAGS)), dtype=np.float32)
    for k in range(settings.folds):
        held = fold_of == k
        part = {name: value[~held] for name, value in labels.items()}
        linear = settings.hidden is None
        weights, bias = _fit_heads(x[~held], part, settings.regularisation, linear)
        logits[held] = x[held] @ weights + bias
        if settings.hidden is not None:
            layer = fit_hidden(x[~held], part["primary"], n, settings.hidden)
            logits[held, :n] = layer.logits(rows_of(x[held]))
    return logits


def train_model(
    examples: Sequence[Example],
    extra: Iterable[Example] = (),
    settings: TrainSettings = TrainSettings(),
) -> LinearModel:
    """Fit, calibrate and tune a model on ``examples`` plus officials' ``extra`` corrections."""
    data = [*examples, *extra]
    texts, origin = augmented_texts(data, settings.augment)
    vectorizer = Vectorizer.fit(texts, settings.features, settings.min_df)
    x = to_scipy(vectorizer.transform(texts), len(vectorizer.vocabulary))
    labels = _labels(data, origin)
    example_fold = group_folds(data, settings.folds)
    oof = _out_of_fold(x, labels, np.array([example_fold[i] for i in origin]), settings)
    n = len(TOPICS)
    temperature = fit_temperature(oof[:, :n], labels["primary"])
    binary = np.concatenate([labels["membership"], labels["flags"]], axis=1)
    scale, shift = fit_platt(oof[:, n:], binary)
    weights, bias = _fit_heads(x, labels, settings.regularisation, settings.hidden is None)
    hidden: HiddenLayer | None = None
    if settings.hidden is not None:
        hidden = fit_hidden(x, labels["primary"], n, settings.hidden)
    model = LinearModel(
        vectorizer=vectorizer,
        weights=weights.astype(np.float16),
        bias=bias,
        scale=scale,
        shift=shift,
        temperature=temperature,
        thresholds=tune_thresholds(oof, labels, temperature, scale, shift, texts),
        info={
            "examples": len(examples),
            "extra_examples": len(data) - len(examples),
            "training_texts": len(texts),
            "features": len(vectorizer.vocabulary),
            "regularisation": settings.regularisation,
            "augment": settings.augment,
            "hidden_units": settings.hidden.units if settings.hidden else 0,
        },
        hidden=hidden,
    )
    return model
