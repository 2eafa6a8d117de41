"""Features and vectors: the cached inference path matches the training path."""

from __future__ import annotations

from collections import Counter

import numpy as np

from nlp.features import FeatureConfig, Vectorizer, analyze, analyze_normalized, sparse_dot
from nlp.normalize import normalize

TEXTS = [
    "Đường thôn 3 hỏng nặng, xã sửa giúp đc ko",
    "duong thon 5 hong nang qua",
    "Rác ở đầu thôn không ai thu gom",
]


def test_cached_ids_equal_the_analysed_features() -> None:
    config = FeatureConfig(trigrams=True)
    vectorizer = Vectorizer.fit(TEXTS * 2, config, min_df=1)
    for text in [*TEXTS, "đường hỏng"]:
        normal = normalize(text)
        expected = Counter(
            vectorizer.index[f] for f in analyze_normalized(normal, config) if f in vectorizer.index
        )
        assert Counter(vectorizer.feature_ids(normal)) == expected


def test_features_see_text_with_and_without_marks() -> None:
    feats = analyze("Đường hỏng", FeatureConfig())
    assert "w:đường" in feats and "s:duong" in feats and "s:duong hong" in feats
    assert "c: du" in feats  # character n-grams come from the stripped word
    # Numbers keep only their shape.
    assert "s:thon 0" in analyze("thôn 3", FeatureConfig())


def test_vectors_are_normalised_and_the_dot_product_matches_dense_numpy() -> None:
    vectorizer = Vectorizer.fit(TEXTS * 2, FeatureConfig(), min_df=1)
    rows = vectorizer.transform([TEXTS[0], "", TEXTS[2]])
    dense = np.zeros((rows.n_rows, len(vectorizer.vocabulary)), dtype=np.float32)
    for r in range(rows.n_rows):
        span = slice(rows.indptr[r], rows.indptr[r + 1])
        dense[r, rows.indices[span]] = rows.values[span]
    assert np.allclose(np.linalg.norm(dense, axis=1), [1.0, 0.0, 1.0], atol=1e-5)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(len(vectorizer.vocabulary), 4)).astype(np.float32)
    assert np.allclose(sparse_dot(rows, weights), dense @ weights, atol=1e-4)
