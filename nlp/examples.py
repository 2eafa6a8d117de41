"""Labelled examples and reading them from the project's JSON-lines files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nlp.topics import TOPICS


@dataclass(frozen=True)
class Example:
    """One labelled message: its topics (the first is primary) and its flags."""

    text: str
    topics: tuple[str, ...]
    legal_complaint: bool = False
    urgent: bool = False
    abusive: bool = False

    @property
    def primary(self) -> str:
        return self.topics[0]


def parse_example(record: dict[str, object]) -> Example:
    """Build an Example from one JSON object, rejecting unknown topics."""
    text = record.get("text")
    raw_topics = record.get("topics")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing text")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise ValueError("missing topics")
    topics: list[str] = []
    for topic in raw_topics:
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}")
        if topic not in topics:
            topics.append(topic)
    return Example(
        text=text.strip(),
        topics=tuple(topics),
        legal_complaint=bool(record.get("legal_complaint", False)),
        urgent=bool(record.get("urgent", False)),
        abusive=bool(record.get("abusive", False)),
    )


def read_jsonl(path: Path) -> Iterator[Example]:
    """Examples of one file; malformed lines are skipped (files may still be being written)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield parse_example(record)
            except (ValueError, AttributeError):
                continue


def read_all(paths: Iterable[Path]) -> list[Example]:
    """Examples of several files, in file order."""
    return [example for path in paths for example in read_jsonl(path)]
