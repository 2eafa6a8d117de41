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


class DataFileError(ValueError):
    """A line of a labelled data file that is not a valid example."""


def parse_lines(path: Path) -> Iterator[tuple[int, Example | ValueError]]:
    """(line number, example or the reason it is not one) for each non-blank line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, parse_example(json.loads(line))
            except (ValueError, AttributeError) as exc:
                yield number, ValueError(str(exc))


def read_jsonl(path: Path) -> Iterator[Example]:
    """Examples of one file; a malformed line is an error naming the file and line."""
    for number, parsed in parse_lines(path):
        if isinstance(parsed, ValueError):
            raise DataFileError(f"{path}:{number}: {parsed}")
        yield parsed


def read_all(paths: Iterable[Path]) -> list[Example]:
    """Examples of several files, in file order."""
    return [example for path in paths for example in read_jsonl(path)]
