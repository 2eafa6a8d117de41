"""Deterministic train / held-out split that keeps near-duplicates on the same side.

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
DUPLICATE_THRESHOLD = 0.45


def _bucket(anchor: str) -> float:
    digest = hashlib.sha256(anchor.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_examples(
    examples: Sequence[Example], test_fraction: float = TEST_FRACTION
) -> tuple[list[Example], list[Example]]:
    """(train, test): about ``test_fraction`` of the near-duplicate groups go to test."""
    folded = [fold(e.text) for e in examples]
    # Grouping in a canonical order makes the split independent of file order.
    order = sorted(range(len(examples)), key=lambda i: (folded[i], examples[i].text))
    groups = group_similar(
        [GroupItem(str(i), examples[i].text) for i in order], DUPLICATE_THRESHOLD
    )
    is_test = [False] * len(examples)
    for group in groups:
        members = [int(k) for k in group.keys]
        anchor = min(folded[i] for i in members)
        if _bucket(anchor) < test_fraction:
            for i in members:
                is_test[i] = True
    train = [e for e, t in zip(examples, is_test, strict=True) if not t]
    test = [e for e, t in zip(examples, is_test, strict=True) if t]
    return train, test
