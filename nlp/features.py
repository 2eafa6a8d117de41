"""Text features for the linear models: word and character n-grams, with and without diacritics.

The same code builds features at training and at inference, so the two cannot drift apart.
Each text is seen twice: as normalised accented words (precise when the citizen typed marks)
and as stripped words plus stripped character n-grams (robust to missing marks and typos).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from nlp.normalize import normalize
from nlp.tones import strip_marks

_TOKEN = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")

# Cached word and word-pair lookups; bounded so that a long-running bot does not grow.
_CACHE_LIMIT = 200_000

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FeatureConfig:
    """Which feature families to extract; stored with the model so inference matches training."""

    accented_words: bool = True
    stripped_words: bool = True
    # Character n-grams of the stripped words (0 = none): they carry typos and unknown
    # shorthand; many and noisy, they help only at a low weight (docs/nlp.md).
    char_min: int = 2
    char_max: int = 4
    char_weight: float = 0.3
    trigrams: bool = False

    def to_dict(self) -> dict[str, float | bool]:
        return {
            "accented_words": self.accented_words,
            "stripped_words": self.stripped_words,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "char_weight": self.char_weight,
            "trigrams": self.trigrams,
        }

    @classmethod
    def from_dict(cls, data: dict[str, float | bool]) -> FeatureConfig:
        return cls(
            accented_words=bool(data["accented_words"]),
            stripped_words=bool(data["stripped_words"]),
            char_min=int(data["char_min"]),
            char_max=int(data["char_max"]),
            char_weight=float(data.get("char_weight", 1.0)),
            trigrams=bool(data.get("trigrams", False)),
        )


def words_of(normal: str) -> list[str]:
    """Word tokens of a normalised text; numbers are kept as a shape only ("thôn 3" ~ "thôn 5")."""
    return _TOKEN.findall(_DIGITS.sub("0", normal))


def word_features(word: str, config: FeatureConfig) -> list[str]:
    """Features of one word on its own: the word with and without marks, its character n-grams."""
    bare = strip_marks(word)
    feats: list[str] = []
    if config.accented_words:
        feats.append("w:" + word)
    if config.stripped_words:
        feats.append("s:" + bare)
    if config.char_max >= config.char_min > 0:
        padded = f" {bare} "
        for n in range(config.char_min, config.char_max + 1):
            feats.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return feats


def gram_features(gram: str, config: FeatureConfig) -> list[str]:
    """Features of a few adjacent words joined by spaces, with and without marks."""
    feats: list[str] = []
    if config.accented_words:
        feats.append("w:" + gram)
    if config.stripped_words:
        feats.append("s:" + strip_marks(gram))
    return feats


def grams_of(words: Sequence[str], config: FeatureConfig) -> list[str]:
    """Word bigrams (and trigrams if configured) as space-joined strings."""
    grams = [f"{a} {b}" for a, b in pairwise(words)]
    if config.trigrams:
        grams += [f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    return grams


def analyze(text: str, config: FeatureConfig) -> list[str]:
    """The feature strings of one raw text (repeated features repeat)."""
    return analyze_normalized(normalize(text), config)


def analyze_normalized(normal: str, config: FeatureConfig) -> list[str]:
    """The feature strings of a text already passed through ``normalize``."""
    words = words_of(normal)
    feats = [f for w in words for f in word_features(w, config)]
    feats += [f for gram in grams_of(words, config) for f in gram_features(gram, config)]
    return feats


@dataclass(frozen=True)
class SparseRows:
    """A batch of sparse row vectors in CSR layout (numpy only, no scipy at runtime)."""

    indptr: IntArray
    indices: IntArray
    values: FloatArray

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1


class Vectorizer:
    """Maps feature strings to log-scaled, idf-weighted, L2-normalised sparse vectors."""

    def __init__(self, vocabulary: Sequence[str], idf: FloatArray, config: FeatureConfig) -> None:
        self.vocabulary = list(vocabulary)
        self.index = {feature: i for i, feature in enumerate(self.vocabulary)}
        self.idf = idf.astype(np.float32)
        self.config = config
        self._cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def fit(cls, texts: Iterable[str], config: FeatureConfig, min_df: int = 2) -> Vectorizer:
        """Build the vocabulary (features seen in at least ``min_df`` texts) and smoothed idf."""
        df: Counter[str] = Counter()
        n_docs = 0
        for text in texts:
            df.update(set(analyze(text, config)))
            n_docs += 1
        vocabulary = sorted(f for f, count in df.items() if count >= min_df)
        idf = np.array(
            [
                (math.log((1 + n_docs) / (1 + df[f])) + 1.0)
                * (config.char_weight if f.startswith("c:") else 1.0)
                for f in vocabulary
            ],
            dtype=np.float32,
        )
        return cls(vocabulary, idf, config)

    def _ids(self, features: list[str]) -> tuple[int, ...]:
        get = self.index.get
        return tuple(i for i in map(get, features) if i is not None)

    def feature_ids(self, normal: str) -> list[int]:
        """Vocabulary indices of the features of one normalised text (repeats repeat).

        Same features as ``analyze_normalized``, but word and pair lookups are cached, since
        messages reuse a small vocabulary of words.
        """
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        cache, config = self._cache, self.config
        words = words_of(normal)
        ids: list[int] = []
        for word in words:
            found = cache.get(word)
            if found is None:
                found = cache[word] = self._ids(word_features(word, config))
            ids.extend(found)
        for gram in grams_of(words, config):
            found = cache.get(gram)
            if found is None:
                found = cache[gram] = self._ids(gram_features(gram, config))
            ids.extend(found)
        return ids

    def transform(self, texts: Sequence[str], normalized: bool = False) -> SparseRows:
        """Vectors of many texts as one CSR batch: log(1 + tf) * idf, L2-normalised."""
        per_text = [self.feature_ids(t if normalized else normalize(t)) for t in texts]
        n_texts, n_features = len(per_text), max(len(self.vocabulary), 1)
        lengths = np.fromiter(map(len, per_text), dtype=np.int64, count=n_texts)
        flat = np.fromiter(chain.from_iterable(per_text), dtype=np.int64, count=int(lengths.sum()))
        # One unique() over (text, feature) keys counts every text's features at once.
        keys = np.repeat(np.arange(n_texts, dtype=np.int64), lengths) * n_features + flat
        unique, counts = np.unique(keys, return_counts=True)
        rows, indices = np.divmod(unique, n_features)
        values = ((1.0 + np.log(counts)) * self.idf[indices]).astype(np.float32)
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_texts))
        values /= np.where(norms > 0, norms, 1.0)[rows].astype(np.float32)
        indptr = np.zeros(n_texts + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_texts), out=indptr[1:])
        return SparseRows(indptr, indices, values)


def sparse_dot(rows: SparseRows, weights: npt.NDArray[Any]) -> FloatArray:
    """``rows @ weights`` for a dense (n_features, n_outputs) matrix of any numeric dtype
    (float16 and int8 rows are widened to float32 as they are gathered), with numpy only."""
    out = np.zeros((rows.n_rows, weights.shape[1]), dtype=np.float32)
    if len(rows.indices) == 0:
        return out
    contributions = weights[rows.indices] * rows.values[:, None]
    starts = rows.indptr[:-1]
    non_empty = rows.indptr[1:] > starts
    # reduceat needs strictly valid start offsets; empty rows stay zero.
    out[non_empty] = np.add.reduceat(contributions, starts[non_empty], axis=0)
    return out
