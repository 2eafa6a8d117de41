"""Deterministic train / held-out split and cross-validation folds that keep near-duplicates
on the same side.

Near-duplicates (the same concern reworded, or typed without diacritics) are found with
``group_similar``; each group goes to one side according to a hash of its smallest folded
text, so the split depends only on the data, never on file order or a random seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from nlp.examples import Example
from nlp.grouping import GroupItem, group_similar
from nlp.normalize import fold

TEST_FRACTION = 0.25
# Looser than grouping for triage: when in doubt, keep two texts on the same side.
DUPLICATE_THRESHOLD = 0.4


def _unit_hash(anchor: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}\x00{anchor}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _groups(examples: Sequence[Example]) -> list[tuple[str, list[int]]]:
    """(anchor, member indices) of every near-duplicate group."""
    folded = [fold(e.text) for e in examples]
    # Grouping in a canonical order makes the result independent of file order.
    order = sorted(range(len(examples)), key=lambda i: (folded[i], examples[i].text))
    groups = group_similar(
        [GroupItem(str(i), examples[i].text) for i in order], DUPLICATE_THRESHOLD
    )
    result = []
    for group in groups:
        members = [int(k) for k in group.keys]
        result.append((min(folded[i] for i in members), members))
    return result


def split_examples(
    examples: Sequence[Example], test_fraction: float = TEST_FRACTION
) -> tuple[list[Example], list[Example]]:
    """(train, test): about ``test_fraction`` of the near-duplicate groups go to test."""
    is_test = [False] * len(examples)
    for anchor, members in _groups(examples):
        if _unit_hash(anchor, "split") < test_fraction:
            for i in members:
                is_test[i] = True
    train = [e for e, t in zip(examples, is_test, strict=True) if not t]
    test = [e for e, t in zip(examples, is_test, strict=True) if t]
    return train, test


def group_folds(examples: Sequence[Example], folds: int) -> list[int]:
    """Cross-validation fold of every example; near-duplicates share a fold."""
    fold_of = [0] * len(examples)
    for anchor, members in _groups(examples):
        k = int(_unit_hash(anchor, "folds") * folds)
        for i in members:
            fold_of[i] = k
    return fold_of
