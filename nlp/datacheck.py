"""Checks a labelled data file before it joins the dataset: ``python -m nlp.datacheck FILE...``.

Reports lines that do not parse, the primary-topic and flag counts, texts repeated inside the
file, and near-duplicates of messages already in the dataset (other files of
``nlp/data/raw``), which would only repeat what the model already knows. Exits 1 when a line
is malformed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from nlp.examples import Example, parse_lines
from nlp.grouping import GroupItem, group_similar
from nlp.normalize import fold, strip_diacritics
from nlp.topics import FLAGS, TOPICS
from nlp.training import DATA_DIR, dataset_files

NEAR_DUPLICATE = 0.6


def parse_file(path: Path) -> tuple[list[Example], list[str]]:
    """(examples, problems) of one file; a problem names its line."""
    examples: list[Example] = []
    problems: list[str] = []
    for number, parsed in parse_lines(path):
        if isinstance(parsed, ValueError):
            problems.append(f"{path.name}:{number}: {parsed}")
        else:
            examples.append(parsed)
    return examples, problems


def near_duplicates(new: list[Example], existing: list[Example]) -> list[tuple[str, str]]:
    """(new text, existing text) pairs that group together at ``NEAR_DUPLICATE``."""
    items = [GroupItem(f"n{i}", e.text) for i, e in enumerate(new)]
    items += [GroupItem(f"o{i}", e.text) for i, e in enumerate(existing)]
    pairs = []
    for group in group_similar(items, NEAR_DUPLICATE):
        olds = [k for k in group.keys if k.startswith("o")]
        for key in group.keys:
            if key.startswith("n") and olds:
                pairs.append((new[int(key[1:])].text, existing[int(olds[0][1:])].text))
    return pairs


def report(path: Path, data_dir: Path) -> bool:
    examples, problems = parse_file(path)
    others = [p for p in dataset_files(data_dir) if p.resolve() != path.resolve()]
    existing = [e for p in others for e in parse_file(p)[0]]
    primary = Counter(e.primary for e in examples)
    print(f"{path}: {len(examples)} messages, {len(problems)} malformed")
    for problem in problems:
        print("  " + problem)
    print("  primary: " + ", ".join(f"{t} {primary[t]}" for t in TOPICS))
    print(f"  with a second topic: {sum(len(e.topics) > 1 for e in examples)}")
    print("  flags: " + ", ".join(f"{f} {sum(getattr(e, f) for e in examples)}" for f in FLAGS))
    # No marked letter at all; shorthand such as "ko" or "bhyt" does not change the count.
    print(f"  without diacritics: {sum(strip_diacritics(e.text) == e.text for e in examples)}")
    repeated = [t for t, n in Counter(fold(e.text) for e in examples).items() if n > 1]
    print(f"  repeated inside the file: {len(repeated)}")
    for text in repeated:
        print(f"    {text}")
    pairs = near_duplicates(examples, existing)
    print(f"  near-duplicates of existing messages: {len(pairs)}")
    for new, old in pairs:
        print(f"    new: {new}\n    old: {old}")
    return not problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    ok = all([report(path, args.data_dir) for path in args.files])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
