"""Benchmark of nlp.grouping.group_similar: time and quality on a synthetic batch of concerns.

The batch is built from the labelled dataset: each item is one of its messages, as written,
stripped of diacritics, phone-typed, or reworded (words dropped and swapped, then phone-typed).
Items made from the same message should share a group; items from different messages should
not (a few dataset messages do raise the same issue, so precision is a lower bound).

    PYTHONPATH=. .venv/bin/python bench/bench_grouping.py                 # 10,000 concerns
    PYTHONPATH=. .venv/bin/python bench/bench_grouping.py --n 100000      # the triage report's size
    PYTHONPATH=. .venv/bin/python bench/bench_grouping.py --sweep         # quality by threshold
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import Counter
from collections.abc import Sequence

from nlp.examples import read_all
from nlp.grouping import DEFAULT_THRESHOLD, Group, GroupItem, group_similar
from nlp.training import dataset_files
from nlp.variants import phone_typed, stripped


def _reword(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 8)):
        if len(words) > 4:
            del words[rng.randrange(len(words))]
    i = rng.randrange(max(1, len(words) - 1))
    words[i : i + 2] = reversed(words[i : i + 2])
    return phone_typed(" ".join(words), salt=str(rng.random()))


def make_corpus(
    originals: Sequence[str], n: int, seed: int = 7
) -> tuple[list[GroupItem], list[int]]:
    """``n`` items and, for each, the index of the message it was made from."""
    rng = random.Random(seed)
    items: list[GroupItem] = []
    labels: list[int] = []
    for k in range(n):
        i = rng.randrange(len(originals))
        text = originals[i]
        kind = rng.randrange(4)
        if kind == 1:
            text = stripped(text)
        elif kind == 2:
            text = phone_typed(text, salt=f"bench{k}")
        elif kind == 3:
            text = _reword(text, rng)
        items.append(GroupItem(key=str(k), text=text))
        labels.append(i)
    return items, labels


def bcubed(groups: Sequence[Group], labels: Sequence[int]) -> tuple[float, float]:
    """B-cubed precision and recall of the groups against the source messages."""
    group_of: dict[int, int] = {}
    for g, group in enumerate(groups):
        for key in group.keys:
            group_of[int(key)] = g
    pair_counts = Counter((group_of[i], labels[i]) for i in range(len(labels)))
    group_sizes = Counter(group_of[i] for i in range(len(labels)))
    label_sizes = Counter(labels)
    precision = recall = 0.0
    for i, label in enumerate(labels):
        same = pair_counts[(group_of[i], label)]
        precision += same / group_sizes[group_of[i]]
        recall += same / label_sizes[label]
    return precision / len(labels), recall / len(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true", help="quality at several thresholds")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as required
    originals = [e.text for e in read_all(dataset_files())]
    items, labels = make_corpus(originals, args.n)
    print(f"{len(items)} concerns made from {len(set(labels))} dataset messages")
    thresholds = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7] if args.sweep else [args.threshold]
    for threshold in thresholds:
        started, cpu = time.perf_counter(), time.process_time()
        groups = group_similar(items, threshold)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        precision, recall = bcubed(groups, labels)
        print(
            f"threshold {threshold:.2f}: {seconds:.2f} s (CPU {cpu:.2f} s), {len(groups)} groups "
            f"(largest {groups[0].count}), B-cubed precision {precision:.3f} recall {recall:.3f}"
        )


if __name__ == "__main__":
    main()
