"""Grouping concerns that raise the same issue in other words, with or without diacritics.

The caller picks the concerns (one commune, one time window); ``group_similar`` returns groups
with a representative text and the keys of their members, largest group first.

How: each text is folded (normalised, diacritics stripped) into content words and word pairs,
weighted by how rare they are in the batch. Candidates are found with MinHash locality-sensitive
hashing over the word sets, so the work grows with the number of texts rather than with its
square. Each text joins the group whose leader it is most similar to (cosine over the weighted
features) if that similarity reaches ``threshold``, and otherwise leads a new group. Comparing
to the leader, not to any member, keeps unrelated concerns from being chained together.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from nlp.normalize import fold, folded_words

DEFAULT_THRESHOLD = 0.45

# Words that say nothing about which issue is raised (folded). Their weight would otherwise
# make short messages look alike.
_STOPWORD_TEXT = (
    "a ah anh ba bac bi cac cai can cho chi chu chung co con cua cung da dang day de den "
    "di do duoc em gi gui ha hay ho hoi khi khong kinh la lai lam len luc ma minh mot nay "
    "nao neu ngay nguoi nhe nhieu nhu nhung nua o oi ong qua ra rang rat roi sao se sau tai "
    "the thi thua toi tren trong tu va van vay ve vi voi xa xin xem"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_BANDS = 12
_ROWS = 2
_PRIME = (1 << 31) - 1
_MAX_LEADERS_PER_BUCKET = 16
_MAX_CANDIDATES = 8
_CLEAR_MARGIN = 0.2
_REPRESENTATIVE_SAMPLE = 64
_PAIR_WEIGHT = 0.5
_NUMBER_MISMATCH = 0.5

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class GroupItem:
    """One concern to group: an opaque key (e.g. its tracking code) and its text."""

    key: str
    text: str


@dataclass(frozen=True)
class Group:
    """Concerns about one issue; ``representative_text`` is the member closest to them all."""

    representative_key: str
    representative_text: str
    keys: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.keys)


def _features(text: str) -> list[str]:
    words = [w for w in folded_words(text) if w not in _STOPWORDS]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def _weight(feature: str) -> float:
    """Word pairs count half: rewording reorders words more than it changes them."""
    return _PAIR_WEIGHT if " " in feature else 1.0


def _similarity(i: int, j: int, vectors: list[dict[str, float]], numbers: list[set[str]]) -> float:
    """Cosine, halved when both texts give numbers and share none: "thôn 3" is not "thôn 5"
    (a village, a house or a decision number tells two otherwise alike issues apart)."""
    sim = _cosine(vectors[i], vectors[j])
    if numbers[i] and numbers[j] and not numbers[i] & numbers[j]:
        sim *= _NUMBER_MISMATCH
    return sim


def _vectors(docs: list[list[str]]) -> list[dict[str, float]]:
    """Idf-weighted, L2-normalised sparse vectors; idf comes from the batch itself."""
    df: Counter[str] = Counter()
    for feats in docs:
        df.update(set(feats))
    n = len(docs)
    weight = {f: (math.log((1 + n) / (1 + count)) + 1.0) * _weight(f) for f, count in df.items()}
    vectors: list[dict[str, float]] = []
    for feats in docs:
        # Presence, not counts: repeating a word does not make a concern more of that issue.
        vec = {f: weight[f] for f in feats}
        scale = 1.0 / (math.sqrt(sum(v * v for v in vec.values())) or 1.0)
        vectors.append({f: v * scale for f, v in vec.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    # Intersecting the key views runs in C; only shared features cost Python time.
    return sum(a[f] * b[f] for f in a.keys() & b.keys())


def _band_keys(word_sets: list[list[str]]) -> list[list[int]]:
    """MinHash signatures of each word set, cut into LSH band keys (numpy, chunked)."""
    ids: dict[str, int] = {}
    doc_ids = [[ids.setdefault(w, len(ids)) for w in words] for words in word_sets]
    n_hashes = _BANDS * _ROWS
    rng = np.random.default_rng(20240601)  # fixed: grouping must be reproducible
    a = rng.integers(1, _PRIME, size=n_hashes, dtype=np.int64)
    b = rng.integers(0, _PRIME, size=n_hashes, dtype=np.int64)
    table = (np.arange(len(ids), dtype=np.int64)[:, None] * a + b) % _PRIME
    keys: list[list[int]] = []
    chunk = 4096
    for start in range(0, len(doc_ids), chunk):
        part = doc_ids[start : start + chunk]
        lengths = np.array([len(d) for d in part], dtype=np.int64)
        flat = np.fromiter((i for d in part for i in d), dtype=np.int64, count=int(lengths.sum()))
        sig = np.full((len(part), n_hashes), _PRIME, dtype=np.int64)
        has = lengths > 0
        if flat.size:
            offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            sig[has] = np.minimum.reduceat(table[flat], offsets[has], axis=0)
        # One integer key per band: its two rows folded to 27 bits each, and the band number
        # (a rare collision only costs one more similarity check).
        banded = sig.reshape(len(part), _BANDS, _ROWS) & ((1 << 27) - 1)
        combined = (banded[:, :, 0] << 31 | banded[:, :, 1] << 4) | np.arange(_BANDS)
        for row, non_empty in zip(combined.tolist(), has.tolist(), strict=True):
            keys.append(row if non_empty else [])
    return keys


def group_similar(items: Sequence[GroupItem], threshold: float = DEFAULT_THRESHOLD) -> list[Group]:
    """Group texts about the same issue; largest groups first, ties in input order."""
    if not items:
        return []
    docs = [_features(item.text) for item in items]
    vectors = _vectors(docs)
    numbers = [{f for f in feats if f.isdigit()} for feats in docs]
    # LSH hashes the word sets only: word pairs change more than words when text is reworded.
    band_keys = _band_keys([sorted({f for f in feats if " " not in f}) for feats in docs])
    buckets: dict[int, list[int]] = {}
    members: dict[int, list[int]] = {}
    folded_seen: dict[str, int] = {}
    for i, keys in enumerate(band_keys):
        leader = _best_leader(i, keys, buckets, vectors, numbers, threshold)
        if leader is None and not keys:
            # Texts with no content words at all group only with identical ones.
            leader = folded_seen.setdefault(fold(items[i].text), i)
            leader = None if leader == i else leader
        if leader is not None:
            members[leader].append(i)
            continue
        members[i] = [i]
        for key in keys:
            bucket = buckets.setdefault(key, [])
            if len(bucket) < _MAX_LEADERS_PER_BUCKET:
                bucket.append(i)
    groups = [_make_group(items, vectors, idx) for idx in members.values()]
    order = sorted(range(len(groups)), key=lambda g: -len(groups[g].keys))
    return [groups[g] for g in order]


def _best_leader(
    i: int,
    keys: list[int],
    buckets: dict[int, list[int]],
    vectors: list[dict[str, float]],
    numbers: list[set[str]],
    threshold: float,
) -> int | None:
    shared: Counter[int] = Counter()
    for key in keys:
        shared.update(buckets.get(key, ()))
    # Leaders sharing more LSH bands are likelier matches; the rest are rarely worth a look.
    candidates = [leader for leader, _ in shared.most_common(_MAX_CANDIDATES)]
    best, best_sim = None, 0.0
    for leader in candidates:
        sim = _similarity(i, leader, vectors, numbers)
        if sim >= threshold and sim > best_sim:
            best, best_sim = leader, sim
            if sim >= threshold + _CLEAR_MARGIN:
                break  # a clear match: the remaining candidates share fewer bands anyway
    return best


def _make_group(
    items: Sequence[GroupItem], vectors: list[dict[str, float]], idx: list[int]
) -> Group:
    """The representative is the member most similar to the group's centroid.

    Only the first members are looked at: in a large group they represent it well enough,
    and the cost stays bounded.
    """
    sample = idx[:_REPRESENTATIVE_SAMPLE]
    if len(sample) > 2:
        centroid: dict[str, float] = {}
        for i in sample:
            for f, v in vectors[i].items():
                centroid[f] = centroid.get(f, 0.0) + v
        rep = max(sample, key=lambda i: (_cosine(vectors[i], centroid), -i))
    else:
        rep = idx[0]
    return Group(
        representative_key=items[rep].key,
        representative_text=items[rep].text,
        keys=tuple(items[i].key for i in idx),
    )
