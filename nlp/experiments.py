"""Method comparison for docs/nlp.md (needs the ``train`` extra): ``python -m nlp.experiments``.

Every method is trained on the training split only and scored on the held-out split in the
three views of ``nlp.evaluation``. Topic figures come from the primary-topic head alone
(no calibration), which is what the methods differ in; flags are compared in the full model.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from nlp.evaluation import VIEWS, f1_score
from nlp.examples import Example
from nlp.features import FeatureConfig, Vectorizer
from nlp.keywords import keyword_primary
from nlp.topics import TOPICS
from nlp.training import TrainSettings, _augmented, _to_scipy, dataset_split

Predict = Callable[[Sequence[str]], list[str]]


@dataclass(frozen=True)
class Method:
    name: str
    settings: TrainSettings | None  # None: the keyword baseline
    pretokenize: bool = False  # join underthesea's multi-syllable words with "_"


def _underthesea(texts: Sequence[str]) -> list[str]:
    from underthesea import word_tokenize

    return [word_tokenize(t, format="text") for t in texts]


def fit_primary(train: Sequence[Example], method: Method) -> tuple[Predict, int]:
    """A primary-topic predictor and its number of features."""
    from sklearn.linear_model import LogisticRegression

    settings = method.settings
    if settings is None:
        return (lambda texts: [keyword_primary(t) for t in texts]), 0
    texts, origin = _augmented(train, settings.augment)
    if method.pretokenize:
        texts = _underthesea(texts)
    vectorizer = Vectorizer.fit(texts, settings.features, settings.min_df)
    x = _to_scipy(vectorizer.transform(texts), len(vectorizer.vocabulary))
    y = np.array([TOPICS.index(train[i].primary) for i in origin])
    model = LogisticRegression(C=settings.regularisation, max_iter=3000).fit(x, y)

    def predict(batch: Sequence[str]) -> list[str]:
        if method.pretokenize:
            batch = _underthesea(batch)
        rows = _to_scipy(vectorizer.transform(batch), len(vectorizer.vocabulary))
        return [TOPICS[int(k)] for k in model.classes_[model.predict(rows).astype(int)]]

    return predict, len(vectorizer.vocabulary)


def score(predict: Predict, test: Sequence[Example]) -> dict[str, tuple[float, float]]:
    """(accuracy, macro-F1) per view."""
    truth = [e.primary for e in test]
    out: dict[str, tuple[float, float]] = {}
    for view, make in VIEWS.items():
        pred = predict([make(e.text) for e in test])
        accuracy = sum(t == p for t, p in zip(truth, pred, strict=True)) / len(truth)
        present = [t for t in TOPICS if t in truth]
        macro = sum(f1_score(truth, pred, t) for t in present) / len(present)
        out[view] = (accuracy, macro)
    return out


def methods() -> list[Method]:
    base = TrainSettings()
    words_only = FeatureConfig(stripped_words=False, char_min=0, char_max=0)
    return [
        Method("keywords (no training)", None),
        Method("LR words, accented only", replace(base, features=words_only, augment=False)),
        Method(
            "LR words, accented + stripped",
            replace(base, features=replace(words_only, stripped_words=True), augment=False),
        ),
        Method("LR words + char 2-4, no augmentation", replace(base, augment=False)),
        Method("LR words + char 2-4, augmented (chosen)", base),
        Method(
            "LR words + char 3-5, augmented",
            replace(base, features=FeatureConfig(char_min=3, char_max=5)),
        ),
        Method("LR underthesea words + char 2-4, augmented", base, pretokenize=True),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the methods whose name contains this text")
    args = parser.parse_args()
    train, test = dataset_split()
    print(f"train {len(train)}, held-out {len(test)}")
    print("| method | features | train s | " + " | ".join(f"{v} acc / F1" for v in VIEWS) + " |")
    print("|---|---|---|" + "---|" * len(VIEWS))
    for method in methods():
        if args.only and args.only not in method.name:
            continue
        started = time.perf_counter()
        predict, n_features = fit_primary(train, method)
        seconds = time.perf_counter() - started
        cells = " | ".join(f"{a:.3f} / {f:.3f}" for a, f in score(predict, test).values())
        print(f"| {method.name} | {n_features} | {seconds:.0f} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
